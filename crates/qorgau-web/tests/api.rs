//! The HTTP API against a real server on port 0 with a temporary SQLite store.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::TestApp;
use qorgau_store::Store;
use serde_json::{Value, json};

fn application() -> Value {
    json!({
        "language": "ru",
        "applicant": {"name": "Айгуль Ахметова", "relation": "parent", "email": "aigul@example.kz"},
        "child": {"name": "Данияр Секретов", "birth_date": "2012-04-15"},
        "resources": [{"url": "https://t.me/school_memes_kz"}, {"url": "https://instagram.com/fake_daniyar"}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz", "description": "мем", "actor": "@mocker"},
            {"occurred_on": "2026-11-24", "resource_url": "https://instagram.com/fake_daniyar", "description": "фейк"}
        ]
    })
}

#[tokio::test]
async fn health_metrics_and_security_headers() {
    let app = TestApp::spawn().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.header("x-content-type-options"), Some("nosniff"));
    assert!(
        health
            .header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    app.apply(application()).await;
    let metrics = app.get("/metrics", None).await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.body.contains(r#"qorgau_http_requests_total{method="POST",route="/api/v1/applications",status="201"} 1"#), "{}", metrics.body);
    assert!(
        metrics
            .body
            .contains(r#"qorgau_cases{state="registered"} 1"#),
        "{}",
        metrics.body
    );
    assert!(
        !metrics.body.contains("QG-2026"),
        "metrics must not carry case numbers"
    );
    // The case writer: the application went through it (its evidence may
    // have added more writes since), in at most as many batches as writes.
    let counter = |name: &str| -> f64 {
        let line = metrics
            .body
            .lines()
            .find(|line| line.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no {name} in {}", metrics.body));
        line[name.len() + 1..].parse().unwrap()
    };
    let (batches, writes) = (
        counter("qorgau_store_write_batches_total"),
        counter("qorgau_store_writes_total"),
    );
    assert!(
        writes >= 1.0 && (1.0..=writes).contains(&batches),
        "{batches} batches of {writes} writes"
    );
    assert!(counter("qorgau_store_writer_busy_seconds_total") > 0.0);
    assert_eq!(health.header("referrer-policy"), Some("no-referrer"));

    // Once the decision is late, the scrape counts it as overdue.
    let on_time = app.get("/metrics", None).await;
    assert!(
        on_time
            .body
            .contains(r#"qorgau_deadlines_overdue{kind="decision"} 0"#),
        "{}",
        on_time.body
    );
    app.clock.set("2026-12-20T10:00:00+05:00".parse().unwrap());
    let late = app.get("/metrics", None).await;
    assert!(
        late.body
            .contains(r#"qorgau_deadlines_overdue{kind="decision"} 1"#),
        "{}",
        late.body
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_it_is_read() {
    let app = TestApp::spawn().await;
    // 256 KiB is the limit of every JSON route; an application is a few KiB.
    let mut form = application();
    form["description"] = json!("x".repeat(300 * 1024));
    let refused = app.post("/api/v1/applications", None, form).await;
    assert_eq!(refused.status, 413, "{}", refused.body);
    let staff = app.sign_in("coord").await;
    let queue = app.get("/api/v1/cases", Some(&staff)).await.json();
    assert_eq!(queue.as_array().unwrap().len(), 0, "nothing was recorded");
}

#[tokio::test]
async fn an_application_is_recorded_and_followed_with_its_access_code() {
    let app = TestApp::spawn().await;
    let reply = app.post("/api/v1/applications", None, application()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let body = reply.json();
    let case_id = body["case_id"].as_str().unwrap();
    assert_eq!(
        reply.header("location"),
        Some(format!("/api/v1/applications/{case_id}").as_str())
    );
    assert_eq!(body["received_at"], "2026-12-02T10:00:00+05:00");
    assert_eq!(body["decision_due"], "2026-12-08T00:00:00+05:00");
    assert_eq!(body["response_due"], "2026-12-08T00:00:00+05:00");
    assert_eq!(body["regime"], "order-562-nk");
    let code = body["access_code"].as_str().unwrap();
    assert!(code.len() >= 26, "{code}");

    // Asked in English, answered in the application's language (Russian).
    let status = app
        .request(
            "GET",
            &format!("/api/v1/applications/{case_id}?lang=en"),
            &[("Authorization", &format!("Bearer {code}"))],
            None,
        )
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    let status_body = status.json();
    assert_eq!(status_body["status"], "registered");
    assert_eq!(status_body["timeline"][0]["text"], "Заявление получено");
    // The code is accepted however it is typed.
    let sloppy = code.to_lowercase().replace('-', " ");
    assert_eq!(
        app.get(&format!("/api/v1/applications/{case_id}"), Some(&sloppy))
            .await
            .status,
        200
    );

    // A wrong code, no code and an unknown case look the same.
    let wrong = app
        .get(
            &format!("/api/v1/applications/{case_id}"),
            Some("AAAA-BBBB"),
        )
        .await;
    let missing = app
        .get(&format!("/api/v1/applications/{case_id}"), None)
        .await;
    let unknown = app
        .get("/api/v1/applications/QG-2026-999999", Some(code))
        .await;
    for reply in [&wrong, &missing, &unknown] {
        assert_eq!(reply.status, 404);
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
    }
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn inadmissible_applications_are_explained_and_not_recorded() {
    let app = TestApp::spawn().await;
    let mut no_resource = application();
    no_resource["resources"] = json!([]);
    for incident in no_resource["incidents"].as_array_mut().unwrap() {
        incident.as_object_mut().unwrap().remove("resource_url");
    }
    let reply = app
        .request(
            "POST",
            "/api/v1/applications?lang=kk",
            &[],
            Some(&no_resource.to_string()),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["errors"][0]["code"], "resource_required");
    assert_eq!(body["errors"][0]["field"], "resources");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("интернет-ресурс"),
        "{body}"
    );
    assert_eq!(reply.header("content-language"), Some("kk"));

    let mut adult = application();
    adult["child"]["birth_date"] = json!("2000-01-01");
    let reply = app.post("/api/v1/applications?lang=en", None, adult).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["errors"][0]["code"], "not_a_child");

    let mut invalid = application();
    invalid["applicant"]["email"] = json!("not-an-email");
    invalid["child"]["birth_date"] = json!("15.04.2012");
    let reply = app
        .request(
            "POST",
            "/api/v1/applications",
            &[("Accept-Language", "ru-KZ,ru;q=0.9")],
            Some(&invalid.to_string()),
        )
        .await;
    assert_eq!(reply.status, 422);
    let fields: Vec<String> = reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["applicant.email", "child.birth_date"]);
    assert_eq!(reply.header("content-language"), Some("ru"));

    let reply = app
        .request(
            "POST",
            "/api/v1/applications?lang=en",
            &[],
            Some("{\"applicant\": {\n  \"name\": }"),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(
        reply.json()["detail"].as_str().unwrap().contains("line 2"),
        "{}",
        reply.body
    );

    let reply = app
        .post(
            "/api/v1/applications?lang=en",
            None,
            json!({"resorces": []}),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("resorces"), "{}", reply.body);

    assert!(app.store.list_cases(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn sign_in_is_throttled_and_tokens_expire() {
    let app = TestApp::spawn().await;
    let wrong = json!({"username": "coord", "password": "guess"});
    for _ in 0..5 {
        assert_eq!(
            app.post("/api/v1/auth/token", None, wrong.clone())
                .await
                .status,
            401
        );
    }
    let blocked = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": "coord", "password": "coord-password"}),
        )
        .await;
    assert_eq!(blocked.status, 429);
    assert!(blocked.header("retry-after").is_some());
    // Other accounts are not blocked by one account's failures.
    let token = app.sign_in("e1").await;
    assert_eq!(app.get("/api/v1/cases", Some(&token)).await.status, 200);
    // After the window, the right password works again.
    app.clock.set("2026-12-02T10:16:00+05:00".parse().unwrap());
    let token = app.sign_in("coord").await;
    // Sessions end after 8 hours.
    app.clock.set("2026-12-02T18:16:01+05:00".parse().unwrap());
    assert_eq!(app.get("/api/v1/cases", Some(&token)).await.status, 401);
    // A missing user answers like a wrong password.
    let unknown = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": "nobody", "password": "x"}),
        )
        .await;
    assert_eq!(unknown.status, 401);
}

#[tokio::test]
async fn the_procedure_end_to_end_over_the_api() {
    let app = TestApp::spawn().await;
    let (case_id, code) = app.apply(application()).await;

    // The decision rule needs a quorum: one vote is not enough.
    let e1 = app.sign_in("e1").await;
    let vote = json!({"vote": "confirm", "category": "cyberbullying", "reasons": "mockery"});
    assert_eq!(
        app.post(&format!("/api/v1/cases/{case_id}/votes"), Some(&e1), vote)
            .await
            .status,
        200
    );
    let coordinator = app.sign_in("coord").await;
    let early = app
        .post(
            &format!("/api/v1/cases/{case_id}/decision?lang=en"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(early.json()["code"], "decision_no_quorum");

    let bad_vote = app
        .post(
            &format!("/api/v1/cases/{case_id}/votes"),
            Some(&e1),
            json!({"vote": "maybe", "category": "none"}),
        )
        .await;
    assert_eq!(bad_vote.status, 422);

    let decided = app.confirm(&case_id).await;
    assert_eq!(decided["status"], "confirmed");
    let orders = decided["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    let second = app
        .post(
            &format!("/api/v1/cases/{case_id}/decision"),
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(second.status, 409);
    assert_eq!(second.json()["code"], "already_decided");

    // The owner sees its order (which delivers it), never who complained.
    let telegram = app
        .get("/api/v1/orders?status=open", Some("qgk_telegram"))
        .await;
    assert_eq!(telegram.status, 200);
    let listed = telegram.json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let order = &listed[0];
    assert_eq!(order["status"], "delivered");
    assert_eq!(order["removal_due"], "2026-12-03T10:00:00+05:00");
    assert_eq!(order["urls"], json!(["https://t.me/school_memes_kz"]));
    for secret in [
        "Айгуль",
        "aigul@example.kz",
        "Данияр",
        "2012-04-15",
        "мем",
        "mocker",
    ] {
        assert!(
            !telegram.body.contains(secret),
            "an order leaked {secret}: {}",
            telegram.body
        );
    }
    let order_id = order["order_id"].as_str().unwrap();

    // Another owner cannot see or touch it.
    assert_eq!(
        app.post(
            &format!("/api/v1/orders/{order_id}/acknowledge"),
            Some("qgk_instagram"),
            json!({})
        )
        .await
        .status,
        404
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/orders/{order_id}/acknowledge"),
            Some("qgk_telegram"),
            json!({})
        )
        .await
        .status,
        200
    );
    let removal = app
        .post(
            &format!("/api/v1/orders/{order_id}/removal"),
            Some("qgk_telegram"),
            json!({"removed_urls": ["https://t.me/school_memes_kz"], "note": "deleted"}),
        )
        .await;
    assert_eq!(removal.status, 200, "{}", removal.body);
    assert_eq!(removal.json()["status"], "removal_reported");

    // The applicant follows it all, in Russian; votes stay inside the group.
    let status = app
        .get(&format!("/api/v1/applications/{case_id}"), Some(&code))
        .await
        .json();
    let types: Vec<&str> = status["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"decision_made") && types.contains(&"removal_reported"),
        "{types:?}"
    );
    assert!(!types.contains(&"vote_cast"));
    assert_eq!(status["decision"]["outcome"], "confirmed");

    let responded = app
        .post(
            &format!("/api/v1/cases/{case_id}/response"),
            Some(&coordinator),
            json!({"channel": "email"}),
        )
        .await;
    assert_eq!(responded.status, 200, "{}", responded.body);

    // The queue shows the other order's removal deadline first.
    let queue = app.get("/api/v1/cases", Some(&coordinator)).await.json();
    assert_eq!(queue[0]["case_id"], case_id.as_str());
}

#[tokio::test]
async fn the_chair_extends_over_the_api() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app.apply(application()).await;
    let e1 = app.sign_in("e1").await;
    let chair = app.sign_in("chair").await;
    let body = json!({"until": "2026-12-17", "reason": "a psychologist's opinion is needed"});
    let refused = app
        .post(
            &format!("/api/v1/cases/{case_id}/extension?lang=en"),
            Some(&e1),
            body.clone(),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let extended = app
        .post(
            &format!("/api/v1/cases/{case_id}/extension"),
            Some(&chair),
            body,
        )
        .await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    let too_long = app
        .post(
            &format!("/api/v1/cases/{case_id}/extension?lang=en"),
            Some(&chair),
            json!({"until": "2026-12-30", "reason": "x"}),
        )
        .await;
    assert_eq!(too_long.status, 409);
    let missing = app
        .post(
            &format!("/api/v1/cases/{case_id}/extension"),
            Some(&chair),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(missing.status, 422);
    assert_eq!(missing.json()["errors"][0]["field"], "until");
}

#[tokio::test]
async fn an_application_with_files_is_multipart_and_a_bad_file_records_nothing() {
    let app = TestApp::spawn().await;
    let png = common::tiny_png();
    let json = application().to_string();
    let filed = app
        .post_multipart(
            "/api/v1/applications?lang=ru",
            &[("application", &json)],
            &[("evidence", "screenshot.png", "image/png", &png)],
        )
        .await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let receipt = filed.json();
    let case_id = receipt["case_id"].as_str().unwrap();
    let code = receipt["access_code"].as_str().unwrap();
    let listed = app
        .get(
            &format!("/api/v1/applications/{case_id}/evidence"),
            Some(code),
        )
        .await;
    let items = listed.json().as_array().unwrap().clone();
    let uploads: Vec<&Value> = items
        .iter()
        .filter(|item| item["kind"] == "upload")
        .collect();
    assert_eq!(uploads.len(), 1, "{}", listed.body);
    let digest = qorgau_evidence::Sha256Digest::of(&png).to_string();
    assert_eq!(uploads[0]["digest"], digest.as_str());
    let stored = app
        .get_bytes(
            &format!(
                "/api/v1/applications/{case_id}/evidence/{}",
                uploads[0]["id"].as_str().unwrap()
            ),
            Some(code),
        )
        .await;
    assert_eq!(stored.body, png, "stored byte for byte");
    let cases = app.store.list_cases(None).await.unwrap().len();

    // A program called screenshot.png and declared image/png: refused by
    // its content, naming the field, in the request's language.
    let disguised = app
        .post_multipart(
            "/api/v1/applications?lang=ru",
            &[("application", &json)],
            &[(
                "evidence",
                "screenshot.png",
                "image/png",
                b"MZ\x90\x00 not an image",
            )],
        )
        .await;
    assert_eq!(disguised.status, 422, "{}", disguised.body);
    let problem = disguised.json();
    assert_eq!(problem["errors"][0]["field"], "evidence");
    assert_eq!(problem["errors"][0]["code"], "evidence_type");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("PDF"),
        "{problem}"
    );
    // Larger than 10 MB, with a PNG's first bytes.
    let mut oversized = png.clone();
    oversized.resize(qorgau_app::upload::MAX_UPLOAD_BYTES + 1, 0);
    let too_large = app
        .post_multipart(
            "/api/v1/applications?lang=en",
            &[("application", &json)],
            &[("evidence", "big.png", "image/png", &oversized)],
        )
        .await;
    assert_eq!(too_large.status, 422, "{}", too_large.body);
    assert_eq!(too_large.json()["errors"][0]["code"], "evidence_too_large");
    // An inadmissible application with a good file: refused, file not kept.
    let mut without_resource = application();
    without_resource["resources"] = json!([]);
    without_resource["incidents"] =
        json!([{"occurred_on": "2026-11-20"}, {"occurred_on": "2026-11-24"}]);
    let refused = app
        .post_multipart(
            "/api/v1/applications?lang=en",
            &[("application", &without_resource.to_string())],
            &[("evidence", "screenshot.png", "image/png", &png)],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("resource_required"),
        "{}",
        refused.body
    );
    let no_json = app
        .post_multipart(
            "/api/v1/applications?lang=en",
            &[],
            &[("evidence", "screenshot.png", "image/png", &png)],
        )
        .await;
    assert_eq!(no_json.status, 422, "{}", no_json.body);
    assert_eq!(no_json.json()["errors"][0]["field"], "application");
    assert_eq!(app.store.list_cases(None).await.unwrap().len(), cases);

    // JSON alone keeps its 256 KiB limit although the route takes files.
    let mut huge = application();
    huge["description"] = json!("x".repeat(300 * 1024));
    let reply = app.post("/api/v1/applications", None, huge).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(app.store.list_cases(None).await.unwrap().len(), cases);
}

/// The columns of the authorization matrix, in the order each route is tried.
const ROLES: [&str; 8] = [
    "anonymous",
    "applicant",
    "other applicant",
    "expert",
    "chair",
    "coordinator",
    "owner A",
    "owner B",
];

/// A cell of the matrix for a page that sends the caller to sign in (a 303
/// whose `Location` is `/staff/login` or `/owner`).
const SIGN_IN: u16 = 1;

/// What one role presents: the API's bearer credential (access code, token
/// or API key), the page session cookie, and that session's CSRF token.
/// Every request carries all of them, so a credential of one kind cannot
/// open the other kind's routes.
struct Credentials {
    bearer: Option<String>,
    cookie: Option<String>,
    csrf: String,
}

/// A request body; page forms get the role's CSRF token added.
enum Body {
    None,
    Json(Value),
    Form(Vec<(&'static str, String)>),
}

/// One route of the router: its method and path template (as registered),
/// a concrete request, and the exact status each role gets.
struct Row {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Body,
    expect: [u16; 8],
}

fn row(
    method: &'static str,
    template: &'static str,
    path: impl Into<String>,
    body: Body,
    expect: [u16; 8],
) -> Row {
    Row {
        method,
        template,
        path: path.into(),
        body,
        expect,
    }
}

/// Every (method, path) the router registers, read from the router's source
/// (`src/lib.rs`: the `/api` router and the top level; the pages'
/// `routes()`), so a route added there and not here fails the matrix.
fn registered_routes() -> std::collections::BTreeSet<(String, String)> {
    fn scan(text: &str, prefix: &str, out: &mut std::collections::BTreeSet<(String, String)>) {
        let mut rest = text;
        while let Some(start) = rest.find(".route(") {
            let inside = &rest[start + ".route(".len()..];
            let mut depth = 1;
            let mut end = 0;
            for (index, character) in inside.char_indices() {
                match character {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = index;
                    break;
                }
            }
            let call = &inside[..end];
            let path = call.split('"').nth(1).unwrap();
            let handlers = &call[call.find(path).unwrap() + path.len() + 1..];
            for method in ["get", "post", "put", "delete", "patch"] {
                let mut search = handlers;
                while let Some(at) = search.find(&format!("{method}(")) {
                    let before = search[..at].chars().last();
                    if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        out.insert((method.to_uppercase(), format!("{prefix}{path}")));
                    }
                    search = &search[at + method.len()..];
                }
            }
            rest = &inside[end..];
        }
    }
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let read = |file: &str| std::fs::read_to_string(source.join(file)).unwrap();
    let lib = read("lib.rs");
    let api_start = lib.find("let api = Router::new()").unwrap();
    let api_end = lib.find(".fallback(api::not_found)").unwrap();
    let mut routes = std::collections::BTreeSet::new();
    scan(&lib[api_start..api_end], "/api", &mut routes);
    scan(&lib[..api_start], "", &mut routes);
    scan(&lib[api_end..], "", &mut routes);
    scan(&read("pages/mod.rs"), "", &mut routes);
    scan(&read("pages/stats.rs"), "", &mut routes);
    routes
}

async fn confirmed_case(app: &TestApp) -> (String, String) {
    let (case_id, code) = app.apply(application()).await;
    app.confirm(&case_id).await;
    (case_id, code)
}

/// A case the three experts voted on (confirming), awaiting the decision.
async fn voted_case(app: &TestApp) -> String {
    let (case_id, _) = app.apply(application()).await;
    for expert in ["e1", "e2", "chair"] {
        let token = app.sign_in(expert).await;
        let reply = app
            .post(
                &format!("/api/v1/cases/{case_id}/votes"),
                Some(&token),
                json!({"vote": "confirm", "category": "cyberbullying", "reasons": "r"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    case_id
}

/// Who may call what: every role against every route the router registers,
/// API and pages, each cell the exact status (allowed: the route's success
/// or a documented answer about the input or the case's state; denied:
/// 401/403/404, or for pages a redirect to sign in). Never a 500.
/// `docs/authorization.md` is this table in words.
#[tokio::test]
async fn authorization_matrix() {
    let app = TestApp::spawn().await;
    // Case A: filed on the form with a screenshot (an upload to read back),
    // naming a resource no other case names (cases sharing a resource are
    // linked by themselves, and the link rows below link A to B by hand).
    let applied = app
        .post_multipart(
            "/apply?lang=ru",
            &[
                ("language", "ru"),
                ("applicant_name", "Айгуль Ахметова"),
                ("relation", "parent"),
                ("child_name", "Данияр"),
                ("child_birth_date", "2012-04-15"),
                ("resource_1", "https://t.me/daniyar_memes_kz"),
                ("incident_1_date", "2026-11-20"),
                ("incident_1_resource", "https://t.me/daniyar_memes_kz"),
                ("incident_2_date", "2026-11-24"),
                ("email", "aigul@example.kz"),
                ("consent", "yes"),
            ],
            &[(
                "evidence",
                "screenshot.png",
                "image/png",
                &common::tiny_png(),
            )],
        )
        .await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    let between = |text: &str, start: &str| {
        let from = text.find(start).unwrap() + start.len();
        text[from..from + text[from..].find('<').unwrap()].to_owned()
    };
    let a = between(&applied.body, "id=\"case-id\">");
    let code_a = between(&applied.body, "id=\"access-code\">");
    let evidence_a = app.store.case_evidence(&a).await.unwrap()[0]
        .evidence_id
        .clone();
    // Case B: confirmed; order B-1 to instagram (owner B), B-2 to telegram (owner A).
    let (b, code_b) = confirmed_case(&app).await;
    let (order_of_a, order_of_b) = (format!("{b}-2"), format!("{b}-1"));
    let case_b = app.store.load_case(&b).await.unwrap().unwrap();
    let verification =
        qorgau_app::outbox::verification_code(case_b.state().unwrap().order(&order_of_a).unwrap());
    // Cases of their own for the routes that change a case once.
    let (responded, _) = confirmed_case(&app).await;
    let (responded_page, _) = confirmed_case(&app).await;
    let (ordered, _) = confirmed_case(&app).await;
    let decided = voted_case(&app).await;
    let decided_page = voted_case(&app).await;
    let (extended, _) = app.apply(application()).await;
    // Confirmed as cyberstalking: a referral to the police is warranted.
    let (stalked, _) = app.apply(application()).await;
    for expert in ["e1", "e2", "chair"] {
        let token = app.sign_in(expert).await;
        let vote = json!({"vote": "confirm", "category": "cyberstalking", "reasons": "r"});
        let voted = app
            .post(
                &format!("/api/v1/cases/{stalked}/votes"),
                Some(&token),
                vote,
            )
            .await;
        assert_eq!(voted.status, 200, "{}", voted.body);
    }
    let chair = app.sign_in("chair").await;
    let decided_stalking = app
        .post(
            &format!("/api/v1/cases/{stalked}/decision"),
            Some(&chair),
            json!({}),
        )
        .await;
    assert_eq!(decided_stalking.status, 200, "{}", decided_stalking.body);
    let (extended_page, _) = app.apply(application()).await;
    // The coordinator's order actions over the API: its orders are delivered
    // by the owners' listing rows, which run before them.
    let (coordinated, _) = confirmed_case(&app).await;

    let mut who: Vec<Credentials> = Vec::new();
    for (index, _) in ROLES.iter().enumerate() {
        let (bearer, cookie) = match index {
            0 => (None, None),
            1 => (Some(code_a.clone()), None),
            2 => (Some(code_b.clone()), None),
            3..=5 => {
                let username = ["e1", "chair", "coord"][index - 3];
                (
                    Some(app.sign_in(username).await),
                    Some(format!(
                        "qorgau_session={}",
                        app.page_session(username).await
                    )),
                )
            }
            _ => {
                // The API key as bearer; the portal's own session as cookie.
                let key = ["qgk_telegram", "qgk_instagram"][index - 6].to_owned();
                let session = app.owner_session(&key).await;
                (Some(key), Some(session))
            }
        };
        let csrf = match (&cookie, index) {
            (Some(cookie), 3..=5) => {
                let page = app
                    .request(
                        "GET",
                        &format!("/staff/cases/{a}"),
                        &[("Cookie", cookie)],
                        None,
                    )
                    .await;
                common::input_value(&page.body, "csrf").unwrap()
            }
            (Some(cookie), _) => {
                let page = app
                    .request("GET", "/owner/orders", &[("Cookie", cookie)], None)
                    .await;
                common::input_value(&page.body, "csrf").unwrap()
            }
            (None, _) => String::new(),
        };
        who.push(Credentials {
            bearer,
            cookie,
            csrf,
        });
    }

    const ALL: [u16; 8] = [200; 8];
    // A page's "sign in first" (a 303 to a sign-in page), told apart from
    // the 303 back to the case that a recorded form gets.
    let to_login = SIGN_IN;
    let staff_get = [
        to_login, to_login, to_login, 200, 200, 200, to_login, to_login,
    ];
    let api_staff_only = |ok: u16| [401, 401, 401, ok, ok, ok, 401, 401];
    // An account's key, as the link answers it and the unlink takes it.
    let key = |platform: &str, account: &str| {
        let platform: qorgau_domain::validation::Platform =
            serde_json::from_value(json!(platform)).unwrap();
        qorgau_domain::validation::ActorAccount::parse(platform, account)
            .unwrap()
            .key
    };
    let form = |fields: &[(&'static str, &str)]| {
        Body::Form(fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
    };
    let matrix: Vec<Row> = vec![
        // Public.
        row("GET", "/healthz", "/healthz", Body::None, ALL),
        row("GET", "/metrics", "/metrics", Body::None, ALL),
        row(
            "GET",
            "/api/openapi.json",
            "/api/openapi.json",
            Body::None,
            ALL,
        ),
        row("GET", "/api/v1/stats", "/api/v1/stats", Body::None, ALL),
        row(
            "GET",
            "/api/v1/stats/open-data.json",
            "/api/v1/stats/open-data.json",
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/api/v1/stats/open-data.csv",
            "/api/v1/stats/open-data.csv",
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/api/v1/stats/decisions.dsa.json",
            "/api/v1/stats/decisions.dsa.json?period=2026-12",
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/api/v1/log/checkpoint",
            "/api/v1/log/checkpoint",
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/api/v1/log/public-key",
            "/api/v1/log/public-key",
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/api/v1/log/proof/inclusion",
            format!("/api/v1/log/proof/inclusion?evidence_id={evidence_a}"),
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/api/v1/log/proof/consistency",
            "/api/v1/log/proof/consistency?first=1&second=1",
            Body::None,
            ALL,
        ),
        row(
            "POST",
            "/api/v1/applications",
            "/api/v1/applications",
            Body::Json(application()),
            [201; 8],
        ),
        row(
            "POST",
            "/api/v1/auth/token",
            "/api/v1/auth/token",
            Body::Json(json!({"username": "e2", "password": "e2-password"})),
            ALL,
        ),
        row("GET", "/", "/", Body::None, ALL),
        row("GET", "/static/app.css", "/static/app.css", Body::None, ALL),
        row("GET", "/apply", "/apply", Body::None, ALL),
        row(
            "POST",
            "/apply",
            "/apply",
            form(&[
                ("language", "kk"),
                ("applicant_name", "Ержан Болатұлы"),
                ("relation", "parent"),
                ("child_name", "Әсел"),
                ("child_birth_date", "2011-09-02"),
                ("resource_1", "https://t.me/school_memes_kz"),
                ("incident_1_date", "2026-11-20"),
                ("incident_2_date", "2026-11-24"),
                ("phone", "+7 701 555 12 34"),
                ("consent", "yes"),
            ]),
            [201; 8],
        ),
        // The application's steps: public, each answer on a page of its own
        // (nothing is recorded until the whole form is posted to /apply).
        row(
            "POST",
            "/apply/step",
            "/apply/step",
            form(&[
                ("step", "1"),
                ("applicant_name", "Ержан Болатұлы"),
                ("relation", "parent"),
                ("action", "next"),
            ]),
            ALL,
        ),
        row("GET", "/track", "/track", Body::None, ALL),
        row(
            "POST",
            "/track",
            "/track",
            form(&[("case_id", &a), ("access_code", &code_a)]),
            ALL,
        ),
        // The receipts of the tracked page: the case number and access code
        // in the form body, as for `/track` (whoever sends them); a wrong
        // code gets `/track`'s 404 (tests/receipts.rs).
        row(
            "POST",
            "/track/receipt",
            "/track/receipt",
            form(&[
                ("case_id", &a),
                ("access_code", &code_a),
                ("evidence_id", &evidence_a),
            ]),
            ALL,
        ),
        row(
            "POST",
            "/track/receipt/view",
            "/track/receipt/view",
            form(&[
                ("case_id", &a),
                ("access_code", &code_a),
                ("evidence_id", &evidence_a),
            ]),
            ALL,
        ),
        row(
            "GET",
            "/verify/{order_id}/{code}",
            format!("/verify/{order_of_a}/{verification}"),
            Body::None,
            ALL,
        ),
        row("GET", "/stats", "/stats", Body::None, ALL),
        row(
            "GET",
            "/stats/report",
            "/stats/report?period=2026-11",
            Body::None,
            ALL,
        ),
        row(
            "GET",
            "/stats/report/{period}",
            "/stats/report/2026-11",
            Body::None,
            ALL,
        ),
        row("GET", "/staff/login", "/staff/login", Body::None, ALL),
        row(
            "POST",
            "/staff/login",
            "/staff/login",
            form(&[("username", "e2"), ("password", "e2-password")]),
            [303; 8],
        ),
        row("GET", "/owner", "/owner", Body::None, ALL),
        row(
            "POST",
            "/owner/login",
            "/owner/login",
            form(&[("api_key", "qgk_instagram")]),
            [303; 8],
        ),
        // The applicant, with the access code.
        row(
            "GET",
            "/api/v1/applications/{case_id}",
            format!("/api/v1/applications/{a}"),
            Body::None,
            [404, 200, 404, 404, 404, 404, 404, 404],
        ),
        row(
            "GET",
            "/api/v1/applications/{case_id}/evidence",
            format!("/api/v1/applications/{a}/evidence"),
            Body::None,
            [404, 200, 404, 200, 200, 200, 404, 404],
        ),
        row(
            "GET",
            "/api/v1/applications/{case_id}/evidence/{evidence_id}",
            format!("/api/v1/applications/{a}/evidence/{evidence_a}"),
            Body::None,
            [404, 200, 404, 200, 200, 200, 404, 404],
        ),
        row(
            "GET",
            "/api/v1/applications/{case_id}/evidence/{evidence_id}/receipt",
            format!("/api/v1/applications/{a}/evidence/{evidence_a}/receipt"),
            Body::None,
            [404, 200, 404, 200, 200, 200, 404, 404],
        ),
        // An upload has no browser snapshot: found for nobody, and the same 404 for all.
        row(
            "GET",
            "/api/v1/applications/{case_id}/evidence/{evidence_id}/screenshot",
            format!("/api/v1/applications/{a}/evidence/{evidence_a}/screenshot"),
            Body::None,
            [404; 8],
        ),
        row(
            "GET",
            "/api/v1/applications/{case_id}/evidence/{evidence_id}/dom",
            format!("/api/v1/applications/{a}/evidence/{evidence_a}/dom"),
            Body::None,
            [404; 8],
        ),
        // Staff over the API.
        row(
            "GET",
            "/api/v1/cases",
            "/api/v1/cases",
            Body::None,
            api_staff_only(200),
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}",
            format!("/api/v1/cases/{a}"),
            Body::None,
            api_staff_only(200),
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/timeline",
            format!("/api/v1/cases/{a}/timeline"),
            Body::None,
            api_staff_only(200),
        ),
        // Case A names @mocker: the account's record, staff only.
        row(
            "GET",
            "/api/v1/actors/{key}",
            format!("/api/v1/actors/{}", key("telegram", "@mocker")),
            Body::None,
            api_staff_only(200),
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/captures",
            format!("/api/v1/cases/{a}/captures"),
            Body::Json(json!({"url": "https://t.me/daniyar_memes_kz"})),
            api_staff_only(202),
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/votes",
            format!("/api/v1/cases/{a}/votes"),
            Body::Json(json!({"vote": "not_confirm", "category": "none", "reasons": "r"})),
            [401, 401, 401, 200, 200, 403, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/draft-orders",
            format!("/api/v1/cases/{a}/draft-orders"),
            Body::None,
            [401, 401, 401, 403, 200, 200, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/draft-orders/{number}/document",
            format!("/api/v1/cases/{a}/draft-orders/1/document"),
            Body::None,
            [401, 401, 401, 403, 200, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/decision",
            format!("/api/v1/cases/{decided}/decision"),
            Body::Json(json!({})),
            [401, 401, 401, 403, 200, 409, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/extension",
            format!("/api/v1/cases/{extended}/extension"),
            Body::Json(json!({"until": "2026-12-10", "reason": "r"})),
            [401, 401, 401, 403, 200, 403, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/response",
            format!("/api/v1/cases/{responded}/response"),
            Body::Json(json!({})),
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        // The first allowed role's write is recorded; the others get the procedure's 409 (the same
        // link, unlink or block again), which only a role the procedure lets in reaches: one it
        // refuses gets 403.
        row(
            "POST",
            "/api/v1/cases/{case_id}/links",
            format!("/api/v1/cases/{a}/links"),
            Body::Json(json!({"other_case_id": b, "basis": "same_child", "reason": "r"})),
            [401, 401, 401, 200, 409, 409, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/links/{other_case_id}/unlink",
            format!("/api/v1/cases/{a}/links/{b}/unlink"),
            Body::Json(json!({"reason": "r"})),
            [401, 401, 401, 200, 409, 409, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/actors/links",
            format!("/api/v1/cases/{a}/actors/links"),
            Body::Json(
                json!({"accounts": [{"platform": "telegram", "account": "@one_account"}, {"platform": "vk", "account": "https://vk.com/other_account"}], "reason": "r"}),
            ),
            [401, 401, 401, 200, 409, 409, 401, 401],
        ),
        // Keys that name no linked pair: the procedure's 409, after the role check.
        row(
            "POST",
            "/api/v1/cases/{case_id}/actors/links/unlink",
            format!("/api/v1/cases/{a}/actors/links/unlink"),
            Body::Json(
                json!({"accounts": [key("telegram", "@one_account"), key("vk", "https://vk.com/other_account")], "reason": "r"}),
            ),
            [401, 401, 401, 200, 409, 409, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/actors/blocks",
            format!("/api/v1/cases/{a}/actors/blocks"),
            Body::Json(
                json!({"platform": "telegram", "account": "@one_account", "on": "2026-11-20"}),
            ),
            [401, 401, 401, 201, 409, 409, 401, 401],
        ),
        // A sign on an entry of the timeline, confirmed with a reason.
        row(
            "POST",
            "/api/v1/cases/{case_id}/signs",
            format!("/api/v1/cases/{a}/signs"),
            Body::Json(
                json!({"entry": format!("{a} incident 1"), "sign": "offline", "reason": "r", "withdraw": false}),
            ),
            // The expert confirms; the same sign again is the procedure's 409.
            [401, 401, 401, 200, 409, 409, 401, 401],
        ),
        // Not a chat export: 400, about the input.
        row(
            "POST",
            "/api/v1/cases/{case_id}/chats",
            format!("/api/v1/cases/{a}/chats?format=text"),
            Body::Json(json!({})),
            [401, 401, 401, 400, 400, 400, 401, 401],
        ),
        // A case confirmed as cyberstalking: the coordinator refers it; then each member of the
        // group may prepare a package (a new one each time) and read its PDF.
        row(
            "POST",
            "/api/v1/cases/{case_id}/referral",
            format!("/api/v1/cases/{stalked}/referral"),
            Body::Json(json!({"authority": "police"})),
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/referral-package",
            format!("/api/v1/cases/{stalked}/referral-package"),
            Body::None,
            api_staff_only(200),
        ),
        row(
            "POST",
            "/api/v1/cases/{case_id}/referral-package",
            format!("/api/v1/cases/{stalked}/referral-package"),
            Body::Json(json!({"language": "ru"})),
            [401, 401, 401, 201, 201, 201, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/referral-package.pdf",
            format!("/api/v1/cases/{stalked}/referral-package.pdf"),
            Body::None,
            api_staff_only(200),
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/orders/{order_id}/preview",
            format!("/api/v1/cases/{b}/orders/{order_of_a}/preview"),
            Body::None,
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/cases/{case_id}/response/preview",
            format!("/api/v1/cases/{b}/response/preview"),
            Body::None,
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/deliveries/failed",
            "/api/v1/deliveries/failed",
            Body::None,
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/deliveries/{id}/retry",
            "/api/v1/deliveries/999/retry",
            Body::Json(json!({})),
            [401, 401, 401, 403, 403, 404, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/owners/compliance",
            "/api/v1/owners/compliance",
            Body::None,
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/escalation/pause",
            format!("/api/v1/orders/{order_of_b}/escalation/pause"),
            Body::Json(json!({"reason": "r"})),
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/escalation/resume",
            format!("/api/v1/orders/{order_of_b}/escalation/resume"),
            Body::Json(json!({})),
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        // Resource owners over the API: their own orders only.
        row(
            "GET",
            "/api/v1/orders",
            "/api/v1/orders",
            Body::None,
            [401, 401, 401, 401, 401, 401, 200, 200],
        ),
        row(
            "GET",
            "/api/v1/orders/{order_id}/document",
            format!("/api/v1/orders/{order_of_a}/document"),
            Body::None,
            [401, 401, 401, 401, 401, 401, 200, 404],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/acknowledge",
            format!("/api/v1/orders/{order_of_a}/acknowledge"),
            Body::Json(json!({})),
            [401, 401, 401, 401, 401, 401, 200, 404],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/removal",
            format!("/api/v1/orders/{order_of_a}/removal"),
            Body::Json(json!({"removed_urls": ["https://t.me/school_memes_kz"], "note": "n"})),
            [401, 401, 401, 401, 401, 401, 200, 404],
        ),
        row(
            "PUT",
            "/api/v1/owner/webhook",
            "/api/v1/owner/webhook",
            Body::Json(json!({"url": "https://hooks.example.kz/qorgau"})),
            [401, 401, 401, 401, 401, 401, 200, 200],
        ),
        // The coordinator's workspace over the API (api/coordinator.rs): a paper application, the
        // order actions of the case page (before the removal deadline: a check is recorded,
        // non-compliance and an escalation step are the procedure's 409), and /staff/people.
        row(
            "POST",
            "/api/v1/cases",
            "/api/v1/cases",
            Body::Json(json!({
                "received_on": "2026-12-01", "language": "kk",
                "applicant": {"name": "Гүлнар", "relation": "parent", "postal_address": "Алматы, Абай 10"},
                "child": {"name": "Әлібек", "birth_date": "2013-03-08"},
                "resources": [{"url": "https://t.me/school_memes_kz"}]
            })),
            [401, 401, 401, 403, 403, 201, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/verification",
            format!("/api/v1/orders/{coordinated}-1/verification"),
            Body::Json(json!({"result": "still_present"})),
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/non-compliance",
            format!("/api/v1/orders/{coordinated}-1/non-compliance"),
            Body::Json(json!({})),
            [401, 401, 401, 403, 403, 409, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/orders/{order_id}/escalation/steps",
            format!("/api/v1/orders/{coordinated}-1/escalation/steps"),
            Body::Json(json!({"early_reason": "r"})),
            [401, 401, 401, 403, 403, 409, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/staff",
            "/api/v1/staff",
            Body::None,
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/staff",
            "/api/v1/staff",
            Body::Json(json!({"username": "e7", "display_name": "E7", "role": "expert"})),
            [401, 401, 401, 403, 403, 201, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/staff/{username}/password",
            "/api/v1/staff/e7/password",
            Body::Json(json!({})),
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "GET",
            "/api/v1/owners",
            "/api/v1/owners",
            Body::None,
            [401, 401, 401, 403, 403, 200, 401, 401],
        ),
        row(
            "POST",
            "/api/v1/owners",
            "/api/v1/owners",
            Body::Json(json!({"name": "ok.ru", "display_name": "OK", "domains": ["ok.ru"]})),
            [401, 401, 401, 403, 403, 201, 401, 401],
        ),
        // Staff pages.
        row("GET", "/staff", "/staff", Body::None, staff_get),
        row(
            "GET",
            "/staff/cases/{case_id}",
            format!("/staff/cases/{a}"),
            Body::None,
            staff_get,
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/linked",
            format!("/staff/cases/{a}/linked"),
            Body::None,
            staff_get,
        ),
        row(
            "GET",
            "/staff/actors/{key}",
            format!("/staff/actors/{}", key("telegram", "@mocker")),
            Body::None,
            staff_get,
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/evidence/{evidence_id}",
            format!("/staff/cases/{a}/evidence/{evidence_a}"),
            Body::None,
            staff_get,
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/captures",
            format!("/staff/cases/{a}/captures"),
            form(&[("url", "https://t.me/daniyar_memes_kz")]),
            [
                to_login, to_login, to_login, 303, 303, 303, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/vote",
            format!("/staff/cases/{a}/vote"),
            form(&[
                ("vote", "not_confirm"),
                ("category", "none"),
                ("reasons", "r"),
            ]),
            [
                to_login, to_login, to_login, 303, 303, 403, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/draft-orders/{number}/document.pdf",
            format!("/staff/cases/{a}/draft-orders/1/document.pdf"),
            Body::None,
            [
                to_login, to_login, to_login, 403, 200, 200, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/draft-orders/{number}/document.html",
            format!("/staff/cases/{a}/draft-orders/1/document.html"),
            Body::None,
            [
                to_login, to_login, to_login, 403, 200, 200, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/decide",
            format!("/staff/cases/{decided_page}/decide"),
            form(&[]),
            [
                to_login, to_login, to_login, 403, 303, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/extension",
            format!("/staff/cases/{extended_page}/extension"),
            form(&[("until", "2026-12-10"), ("reason", "r")]),
            [
                to_login, to_login, to_login, 403, 303, 403, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/respond",
            format!("/staff/cases/{responded_page}/respond"),
            form(&[]),
            [
                to_login, to_login, to_login, 403, 403, 303, to_login, to_login,
            ],
        ),
        // Pages: 303 back to the case when recorded; 403 when the procedure refuses the role; 409
        // for the case's state (here: the same write again).
        row(
            "POST",
            "/staff/cases/{case_id}/links",
            format!("/staff/cases/{a}/links"),
            form(&[
                ("other_case_id", &b),
                ("basis", "same_child"),
                ("reason", "r"),
            ]),
            [
                to_login, to_login, to_login, 303, 409, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/links/{other_case_id}/unlink",
            format!("/staff/cases/{a}/links/{b}/unlink"),
            form(&[("reason", "r")]),
            [
                to_login, to_login, to_login, 303, 409, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/actors/links",
            format!("/staff/cases/{a}/actors/links"),
            form(&[
                ("platform_first", "telegram"),
                ("account_first", "@page_account"),
                ("platform_second", "vk"),
                ("account_second", "https://vk.com/page_account"),
                ("reason", "r"),
            ]),
            [
                to_login, to_login, to_login, 303, 409, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/actors/links/unlink",
            format!("/staff/cases/{a}/actors/links/unlink"),
            form(&[
                ("first", &key("telegram", "@page_account")),
                ("second", &key("vk", "https://vk.com/page_account")),
                ("reason", "r"),
            ]),
            [
                to_login, to_login, to_login, 303, 409, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/actors/blocks",
            format!("/staff/cases/{a}/actors/blocks"),
            form(&[
                ("platform", "telegram"),
                ("account", "@page_account"),
                ("on", "2026-11-20"),
            ]),
            [
                to_login, to_login, to_login, 303, 409, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/signs",
            format!("/staff/cases/{a}/signs"),
            form(&[
                ("entry", &format!("{a} incident 2")),
                ("sign", "monitoring"),
                ("reason", "r"),
            ]),
            [
                to_login, to_login, to_login, 303, 409, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/chats",
            format!("/staff/cases/{a}/chats"),
            form(&[]),
            [
                to_login, to_login, to_login, 400, 400, 400, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/referral",
            format!("/staff/cases/{stalked}/referral"),
            form(&[("language", "ru")]),
            [
                to_login, to_login, to_login, 303, 303, 303, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/referral-package.pdf",
            format!("/staff/cases/{stalked}/referral-package.pdf"),
            Body::None,
            staff_get,
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/orders/{order_id}/document.pdf",
            format!("/staff/cases/{b}/orders/{order_of_a}/document.pdf"),
            Body::None,
            [
                to_login, to_login, to_login, 404, 404, 200, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/cases/{case_id}/response.pdf",
            format!("/staff/cases/{b}/response.pdf"),
            Body::None,
            [
                to_login, to_login, to_login, 404, 404, 200, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/orders/{order_id}/verify",
            format!("/staff/cases/{ordered}/orders/{ordered}-1/verify"),
            form(&[("result", "still_present")]),
            [
                to_login, to_login, to_login, 403, 403, 303, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/orders/{order_id}/not-complied",
            format!("/staff/cases/{ordered}/orders/{ordered}-1/not-complied"),
            form(&[]),
            [
                to_login, to_login, to_login, 403, 403, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/orders/{order_id}/escalate",
            format!("/staff/cases/{ordered}/orders/{ordered}-1/escalate"),
            form(&[("reason", "r")]),
            [
                to_login, to_login, to_login, 403, 403, 409, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/orders/{order_id}/pause",
            format!("/staff/cases/{ordered}/orders/{ordered}-2/pause"),
            form(&[("reason", "r")]),
            [
                to_login, to_login, to_login, 403, 403, 303, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/cases/{case_id}/orders/{order_id}/resume",
            format!("/staff/cases/{ordered}/orders/{ordered}-2/resume"),
            form(&[]),
            [
                to_login, to_login, to_login, 403, 403, 303, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/register",
            "/staff/register",
            Body::None,
            [
                to_login, to_login, to_login, 403, 403, 200, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/register",
            "/staff/register",
            form(&[("language", "ru")]),
            [
                to_login, to_login, to_login, 403, 403, 201, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/deliveries",
            "/staff/deliveries",
            Body::None,
            [
                to_login, to_login, to_login, 403, 403, 200, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/deliveries/retry",
            "/staff/deliveries/retry",
            form(&[("job", "999")]),
            [
                to_login, to_login, to_login, 403, 403, 404, to_login, to_login,
            ],
        ),
        row(
            "GET",
            "/staff/people",
            "/staff/people",
            Body::None,
            [
                to_login, to_login, to_login, 403, 403, 200, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/people/staff",
            "/staff/people/staff",
            form(&[("username", "e9"), ("name", "E9"), ("role", "expert")]),
            [
                to_login, to_login, to_login, 403, 403, 201, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/people/password",
            "/staff/people/password",
            form(&[("username", "e9")]),
            [
                to_login, to_login, to_login, 403, 403, 200, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/staff/people/owners",
            "/staff/people/owners",
            form(&[
                ("name", "vk"),
                ("display_name", "VK"),
                ("domains", "vk.com"),
            ]),
            [
                to_login, to_login, to_login, 403, 403, 201, to_login, to_login,
            ],
        ),
        // The owners' portal: their own orders only.
        row(
            "GET",
            "/owner/orders",
            "/owner/orders",
            Body::None,
            [
                to_login, to_login, to_login, to_login, to_login, to_login, 200, 200,
            ],
        ),
        row(
            "GET",
            "/owner/orders/{order_id}/document.pdf",
            format!("/owner/orders/{order_of_b}/document.pdf"),
            Body::None,
            [
                to_login, to_login, to_login, to_login, to_login, to_login, 404, 200,
            ],
        ),
        row(
            "POST",
            "/owner/orders/{order_id}/acknowledge",
            format!("/owner/orders/{order_of_b}/acknowledge"),
            form(&[]),
            [
                to_login, to_login, to_login, to_login, to_login, to_login, 404, 303,
            ],
        ),
        row(
            "POST",
            "/owner/orders/{order_id}/removal",
            format!("/owner/orders/{order_of_b}/removal"),
            form(&[("removed_urls", "https://instagram.com/fake_daniyar")]),
            [
                to_login, to_login, to_login, to_login, to_login, to_login, 404, 303,
            ],
        ),
        // Last, because they end the sessions the rows above use: signing
        // out of the pages (staff and owners) and of the API.
        row(
            "POST",
            "/staff/logout",
            "/staff/logout",
            form(&[]),
            [
                to_login, to_login, to_login, to_login, to_login, to_login, to_login, to_login,
            ],
        ),
        row(
            "POST",
            "/owner/logout",
            "/owner/logout",
            form(&[]),
            [
                to_login, to_login, to_login, to_login, to_login, to_login, to_login, to_login,
            ],
        ),
        row(
            "DELETE",
            "/api/v1/auth/token",
            "/api/v1/auth/token",
            Body::None,
            api_staff_only(204),
        ),
    ];

    // Every registered route is in the matrix, and nothing else is.
    let listed: std::collections::BTreeSet<(String, String)> = matrix
        .iter()
        .map(|row| (row.method.to_owned(), row.template.to_owned()))
        .collect();
    let registered = registered_routes();
    let missing: Vec<_> = registered.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&registered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the matrix: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "rows for no registered route: {unknown:?}"
    );
    assert_eq!(listed.len(), matrix.len(), "a route listed twice");

    let print = std::env::var("QORGAU_MATRIX_PRINT").is_ok();
    let mut failures = Vec::new();
    for row in &matrix {
        let mut seen = [0u16; 8];
        for (index, credentials) in who.iter().enumerate() {
            let authorization = credentials
                .bearer
                .as_ref()
                .map(|bearer| format!("Bearer {bearer}"));
            let mut headers: Vec<(&str, &str)> = Vec::new();
            if let Some(value) = &authorization {
                headers.push(("Authorization", value));
            }
            if let Some(cookie) = &credentials.cookie {
                headers.push(("Cookie", cookie));
            }
            let body = match &row.body {
                Body::None => None,
                Body::Json(value) => Some(value.to_string()),
                Body::Form(fields) => {
                    headers.push(("Content-Type", "application/x-www-form-urlencoded"));
                    let mut fields: Vec<(&str, &str)> = fields
                        .iter()
                        .map(|(name, value)| (*name, value.as_str()))
                        .collect();
                    fields.push(("csrf", &credentials.csrf));
                    Some(common::form_body(&fields))
                }
            };
            let reply = app
                .request(row.method, &row.path, &headers, body.as_deref())
                .await;
            let to_sign_in = reply.status == 303
                && reply.header("location").is_some_and(|location| {
                    location.starts_with("/staff/login") || location.starts_with("/owner?")
                });
            seen[index] = if to_sign_in { SIGN_IN } else { reply.status };
            if reply.status >= 500 {
                failures.push(format!(
                    "{} {} {}: {} {}",
                    ROLES[index], row.method, row.path, reply.status, reply.body
                ));
            }
        }
        if print {
            println!("{} {} {:?}", row.method, row.template, seen);
        }
        if seen != row.expect {
            failures.push(format!(
                "{} {}: expected {:?}, got {:?} (columns: {ROLES:?})",
                row.method, row.path, row.expect, seen
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::spawn().await;
    let document = app.get("/api/openapi.json", None).await.json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for route in [
        "/api/v1/applications",
        "/api/v1/applications/{case_id}",
        "/api/v1/auth/token",
        "/api/v1/cases",
        "/api/v1/cases/{case_id}",
        "/api/v1/cases/{case_id}/votes",
        "/api/v1/cases/{case_id}/decision",
        "/api/v1/cases/{case_id}/extension",
        "/api/v1/cases/{case_id}/draft-orders",
        "/api/v1/cases/{case_id}/draft-orders/{number}/document",
        "/api/v1/cases/{case_id}/response",
        "/api/v1/cases/{case_id}/actors/links",
        "/api/v1/cases/{case_id}/actors/links/unlink",
        "/api/v1/cases/{case_id}/actors/blocks",
        "/api/v1/actors/{key}",
        "/api/v1/orders",
        "/api/v1/orders/{order_id}/acknowledge",
        "/api/v1/orders/{order_id}/removal",
        "/api/v1/owner/webhook",
        "/api/v1/deliveries/failed",
        "/api/v1/owners/compliance",
        "/api/v1/stats/open-data.json",
        "/api/v1/stats/open-data.csv",
        "/api/v1/stats/decisions.dsa.json",
        "/api/v1/orders/{order_id}/verification",
        "/api/v1/orders/{order_id}/non-compliance",
        "/api/v1/orders/{order_id}/escalation/steps",
        "/api/v1/staff",
        "/api/v1/staff/{username}/password",
        "/api/v1/owners",
        "/api/openapi.json",
    ] {
        assert!(paths.contains(&route), "{route} is not documented");
    }
    // Paths with two operations keep both (the coordinator's are merged in).
    for (route, methods) in [
        ("/api/v1/cases", ["get", "post"]),
        ("/api/v1/staff", ["get", "post"]),
        ("/api/v1/owners", ["get", "post"]),
    ] {
        for method in methods {
            assert!(
                document["paths"][route][method].is_object(),
                "{method} {route} is not documented"
            );
        }
    }
    // In CI, the standard validator checks the document.
    let validator = std::path::Path::new(&std::env::var("HOME").unwrap())
        .join(".cache/qorgau/venv/bin/openapi-spec-validator");
    if validator.exists() || std::env::var("CI").is_ok() {
        let file = app.folder.path().join("openapi.json");
        std::fs::write(&file, document.to_string()).unwrap();
        let output = std::process::Command::new(&validator)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[tokio::test]
async fn sessions_end_after_thirty_idle_minutes() {
    let app = TestApp::spawn().await;
    let token = app.sign_in("e2").await;
    for (when, expected) in [
        ("2026-12-02T10:29:00+05:00", 200),
        ("2026-12-02T10:58:00+05:00", 200),
        ("2026-12-02T11:29:00+05:00", 401),
    ] {
        app.clock.set(when.parse().unwrap());
        assert_eq!(
            app.get("/api/v1/cases", Some(&token)).await.status,
            expected,
            "{when}"
        );
    }
}

#[tokio::test]
async fn a_signed_out_token_is_refused_at_once() {
    let app = TestApp::spawn().await;
    let token = app.sign_in("coord").await;
    let other = app.sign_in("coord").await;
    assert_eq!(app.get("/api/v1/cases", Some(&token)).await.status, 200);
    let signed_out = app
        .request(
            "DELETE",
            "/api/v1/auth/token",
            &[("Authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(signed_out.status, 204, "{}", signed_out.body);
    assert_eq!(app.get("/api/v1/cases", Some(&token)).await.status, 401);
    // Only that session: the same person's other sign-in lives on.
    assert_eq!(app.get("/api/v1/cases", Some(&other)).await.status, 200);
    let again = app
        .request(
            "DELETE",
            "/api/v1/auth/token",
            &[("Authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(again.status, 401);
}

#[tokio::test]
async fn sign_ins_are_throttled_per_address_across_accounts() {
    let app = TestApp::spawn().await;
    // Four failures per account stay under the account limit (5); twenty
    // from one address reach the address limit.
    for attempt in 0..20 {
        let username = ["coord", "e1", "e2", "chair", "e3"][attempt % 5];
        let wrong = json!({"username": username, "password": "guess"});
        assert_eq!(
            app.post("/api/v1/auth/token", None, wrong).await.status,
            401
        );
    }
    let blocked = app
        .post(
            "/api/v1/auth/token",
            None,
            json!({"username": "coord", "password": "coord-password"}),
        )
        .await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
}
