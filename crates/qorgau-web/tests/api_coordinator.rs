//! The coordinator's workspace over the API (`src/api/coordinator.rs`):
//! paper applications, the order actions of the case page and the people
//! of `/staff/people`, each against a real server on port 0 with a real
//! store (SQLite, or PostgreSQL with `QORGAU_TEST_STORE=postgres`). Each
//! action is checked by what it recorded, and each refusal by what it did
//! not record.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::TestApp;
use qorgau_domain::procedure::CaseEvent;
use qorgau_store::Store;
use serde_json::{Value, json};

/// A paper application in Kazakh, answered by post: no e-mail, no phone.
fn paper() -> Value {
    json!({
        "received_on": "2026-12-01",
        "language": "kk",
        "applicant": {"name": "Гүлнар Сейітова", "relation": "parent",
                      "postal_address": "Алматы қ., Абай даңғылы 10, 5-пәтер"},
        "child": {"name": "Әлібек", "birth_date": "2013-03-08"},
        "resources": [{"url": "https://t.me/school_memes_kz"}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz", "description": "мазақ"},
            {"occurred_on": "2026-11-25", "resource_url": "https://t.me/school_memes_kz", "description": "тағы да"}
        ]
    })
}

fn application() -> Value {
    json!({
        "language": "ru",
        "applicant": {"name": "Айгуль Ахметова", "relation": "parent", "email": "aigul@example.kz"},
        "child": {"name": "Данияр", "birth_date": "2012-04-15"},
        "resources": [{"url": "https://instagram.com/fake_daniyar"}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": "https://instagram.com/fake_daniyar", "description": "фейк"},
            {"occurred_on": "2026-11-24", "resource_url": "https://instagram.com/fake_daniyar", "description": "фейк"}
        ]
    })
}

/// The fields a 422 names.
fn fields(reply: &common::Reply) -> Vec<String> {
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json"),
        "{}",
        reply.body
    );
    reply.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn case_count(app: &TestApp) -> usize {
    app.store.list_cases(None).await.unwrap().len()
}

async fn events(app: &TestApp, case_id: &str) -> Vec<CaseEvent> {
    app.store.load_case(case_id).await.unwrap().unwrap().events
}

#[tokio::test]
async fn the_coordinator_registers_a_paper_application_over_the_api() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coord").await;

    let registered = app
        .post("/api/v1/cases?lang=en", Some(&coordinator), paper())
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    assert_eq!(registered.header("cache-control"), Some("no-store"));
    let body = registered.json();
    let case_id = body["case_id"].as_str().unwrap().to_owned();
    assert_eq!(body["channel"], "paper");
    assert_eq!(body["language"], "kk");
    assert_eq!(body["refusal"], json!([]));
    // Deadlines count from the stamped day, not from today (Wed 2 Dec):
    // three working days from Tue 1 Dec end with Fri 4 Dec.
    assert_eq!(body["received_at"], "2026-12-01T00:00:00+05:00");
    assert_eq!(body["decision_due"], "2026-12-05T00:00:00+05:00");

    // Recorded as the page records it: a paper case with its postal address.
    let staff_view = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&coordinator))
        .await
        .json();
    assert_eq!(staff_view["case"]["channel"], "paper");
    assert_eq!(
        staff_view["case"]["application"]["applicant"]["postal_address"],
        "Алматы қ., Абай даңғылы 10, 5-пәтер"
    );
    match &events(&app, &case_id).await[0] {
        CaseEvent::ApplicationReceived { .. } => {}
        other => panic!("first event {other:?}"),
    }
    // The access code given in the 201 opens the applicant's view.
    let tracked = app
        .get(
            &format!("/api/v1/applications/{case_id}"),
            body["access_code"].as_str(),
        )
        .await;
    assert_eq!(tracked.status, 200, "{}", tracked.body);

    // An inadmissible paper application is recorded as refused (answered by
    // letter), with the reason, unlike an online one.
    let before = case_count(&app).await;
    let mut no_resource = paper();
    no_resource["resources"] = json!([]);
    no_resource["incidents"] = json!([{"occurred_on": "2026-11-20", "description": "мазақ"}]);
    let refused = app
        .post("/api/v1/cases?lang=ru", Some(&coordinator), no_resource)
        .await;
    assert_eq!(refused.status, 201, "{}", refused.body);
    let refused = refused.json();
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["refusal"][0]["code"], "resource_required");
    assert_eq!(refused["refusal"][0]["field"], "resources");
    assert_eq!(case_count(&app).await, before + 1);
    let refused_case = app
        .store
        .load_case(refused["case_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(refused_case.state().unwrap().refusal.len(), 1);

    // Bad input: a 422 naming the field, and nothing recorded.
    let before = case_count(&app).await;
    for (change, field) in [
        (json!({"received_on": "2026-02-30"}), "received_on"),
        // Stamped tomorrow: not yet arrived.
        (json!({"received_on": "2026-12-03"}), "received_on"),
        (
            json!({"applicant": {"name": "Гүлнар", "relation": "parent", "email": "no-at-sign"}}),
            "applicant.email",
        ),
        (
            json!({"incidents": [{"occurred_on": "20.11.2026", "description": "x"}]}),
            "incidents[0].occurred_on",
        ),
    ] {
        let mut body = paper();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let reply = app
            .post("/api/v1/cases?lang=ru", Some(&coordinator), body)
            .await;
        assert_eq!(reply.status, 422, "{field}: {}", reply.body);
        assert_eq!(fields(&reply), vec![field.to_owned()], "{}", reply.body);
        assert_eq!(reply.header("content-language"), Some("ru"));
    }
    // A misspelt field is refused, never dropped.
    let mut misspelt = paper();
    misspelt["recieved_on"] = json!("2026-12-01");
    let reply = app
        .post("/api/v1/cases", Some(&coordinator), misspelt)
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert!(
        reply.json()["detail"]
            .as_str()
            .unwrap()
            .contains("recieved_on")
    );
    assert_eq!(case_count(&app).await, before);

    // Only the coordinator registers paper applications.
    let expert = app.sign_in("e1").await;
    let chair = app.sign_in("chair").await;
    for (bearer, status) in [
        (Some(expert.as_str()), 403),
        (Some(chair.as_str()), 403),
        (None, 401),
        (Some("qgk_telegram"), 401),
        (body["access_code"].as_str(), 401),
    ] {
        let reply = app.post("/api/v1/cases", bearer, paper()).await;
        assert_eq!(reply.status, status, "{bearer:?}: {}", reply.body);
    }
    assert_eq!(case_count(&app).await, before);
}

#[tokio::test]
async fn the_coordinator_checks_records_non_compliance_and_escalates_over_the_api() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app.apply(application()).await;
    app.confirm(&case_id).await;
    let order = format!("{case_id}-1");
    // The owner reads its orders: delivered, the 24-hour clock starts now.
    let listed = app.get("/api/v1/orders", Some("qgk_instagram")).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let coordinator = app.sign_in("coord").await;
    let verification = format!("/api/v1/orders/{order}/verification");
    let non_compliance = format!("/api/v1/orders/{order}/non-compliance");
    let steps = format!("/api/v1/orders/{order}/escalation/steps");
    let recorded = events(&app, &case_id).await.len();

    // Bad input and refusals record nothing.
    for body in [json!({"result": "gone"}), json!({}), json!({"result": 1})] {
        let reply = app
            .post(&verification, Some(&coordinator), body.clone())
            .await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.body);
        assert_eq!(fields(&reply), vec!["result".to_owned()]);
    }
    let early = app
        .post(&non_compliance, Some(&coordinator), json!({}))
        .await;
    assert_eq!(early.status, 409, "{}", early.body);
    assert_eq!(early.json()["code"], "removal_not_due");
    let not_yet = app
        .post(&steps, Some(&coordinator), json!({"early_reason": "r"}))
        .await;
    assert_eq!(not_yet.status, 409, "{}", not_yet.body);
    let expert = app.sign_in("e1").await;
    for path in [&verification, &non_compliance, &steps] {
        let body = json!({"result": "still_present", "early_reason": "r"});
        let reply = app.post(path, Some(&expert), body.clone()).await;
        assert_eq!(reply.status, 403, "{path}: {}", reply.body);
        let reply = app.post(path, Some("qgk_instagram"), body).await;
        assert_eq!(reply.status, 401, "{path}: {}", reply.body);
    }
    let unknown = app
        .post(
            &format!("/api/v1/orders/{case_id}-9/verification"),
            Some(&coordinator),
            json!({"result": "removed"}),
        )
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert_eq!(events(&app, &case_id).await.len(), recorded);

    // A check before the deadline: the content is still there, recorded as
    // such (with the note); not yet non-compliance.
    let checked = app
        .post(
            &verification,
            Some(&coordinator),
            json!({"result": "still_present", "note": "проверено вручную"}),
        )
        .await;
    assert_eq!(checked.status, 200, "{}", checked.body);
    let checked = checked.json();
    assert_eq!(checked["recorded"], json!(["removal_verified"]));
    assert_eq!(checked["last_verification"], "still_present");
    assert_eq!(checked["status"], "delivered");
    match events(&app, &case_id).await.last().unwrap() {
        CaseEvent::RemovalVerified { note, .. } => {
            assert_eq!(note.as_deref(), Some("проверено вручную"));
        }
        other => panic!("{other:?}"),
    }

    // Past the 24 hours: non-compliance, then the ladder's first step, due at once.
    app.clock.set("2026-12-03T10:30:00+05:00".parse().unwrap());
    // A day later the session has idled out: sign in again.
    let coordinator = app.sign_in("coord").await;
    let not_complied = app
        .post(&non_compliance, Some(&coordinator), json!({}))
        .await;
    assert_eq!(not_complied.status, 200, "{}", not_complied.body);
    assert_eq!(
        not_complied.json()["recorded"],
        json!(["order_not_complied"])
    );
    assert_eq!(not_complied.json()["status"], "not_complied");
    let again = app
        .post(&non_compliance, Some(&coordinator), json!({}))
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    let reminder = app
        .request(
            "POST",
            &steps,
            &[("Authorization", &format!("Bearer {coordinator}"))],
            None,
        )
        .await;
    assert_eq!(reminder.status, 200, "{}", reminder.body);
    assert_eq!(reminder.json()["escalations"], json!(["reminder"]));

    // The next step is 24 hours later: early only with a reason, as on the page.
    let recorded = events(&app, &case_id).await.len();
    for body in [json!({}), json!({"early_reason": "   "})] {
        let reply = app.post(&steps, Some(&coordinator), body).await;
        assert_eq!(reply.status, 409, "{}", reply.body);
        assert_eq!(reply.json()["code"], "escalation_not_due");
    }
    let reply = app
        .post(&steps, Some(&coordinator), json!({"early_reason": 5}))
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(fields(&reply), vec!["early_reason".to_owned()]);
    assert_eq!(events(&app, &case_id).await.len(), recorded);
    let repeated = app
        .post(
            &steps,
            Some(&coordinator),
            json!({"early_reason": "Платформа ответила отказом"}),
        )
        .await;
    assert_eq!(repeated.status, 200, "{}", repeated.body);
    assert_eq!(
        repeated.json()["escalations"],
        json!(["reminder", "repeated_order"])
    );
    match events(&app, &case_id).await.last().unwrap() {
        CaseEvent::EscalationStepTaken {
            step, early_reason, ..
        } => {
            assert_eq!(*step, 2);
            assert_eq!(early_reason.as_deref(), Some("Платформа ответила отказом"));
        }
        other => panic!("{other:?}"),
    }
    // The case as staff see it shows the same.
    let case = app
        .get(&format!("/api/v1/cases/{case_id}"), Some(&coordinator))
        .await
        .json();
    let order_state = &case["case"]["orders"][0];
    assert_eq!(order_state["order_id"], order);
    assert_eq!(order_state["escalations"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_coordinator_manages_staff_and_owners_over_the_api() {
    let app = TestApp::spawn().await;
    let coordinator = app.sign_in("coord").await;

    let listed = app.get("/api/v1/staff", Some(&coordinator)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let usernames: Vec<String> = listed.json()["staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| member["username"].as_str().unwrap().to_owned())
        .collect();
    for username in ["coord", "chair", "e1", "e2"] {
        assert!(usernames.contains(&username.to_owned()), "{usernames:?}");
    }
    assert!(!listed.body.contains("argon2"), "{}", listed.body);
    assert!(!listed.body.contains("password"), "{}", listed.body);

    // A new expert: the password is shown once and works.
    let added = app
        .post(
            "/api/v1/staff?lang=kk",
            Some(&coordinator),
            json!({"username": "aset", "display_name": "Асет Нұрланұлы", "role": "expert"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.header("cache-control"), Some("no-store"));
    let password = added.json()["password"].as_str().unwrap().to_owned();
    assert_eq!(added.json()["role"], "expert");
    assert_eq!(added.json()["chair"], false);
    let sign_in = |password: String| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/auth/token",
                None,
                json!({"username": "aset", "password": password}),
            )
            .await
        }
    };
    let signed_in = sign_in(password.clone()).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    assert_eq!(signed_in.json()["role"], "expert");
    let relisted = app.get("/api/v1/staff", Some(&coordinator)).await;
    assert!(!relisted.body.contains(&password));

    let duplicate = app
        .post(
            "/api/v1/staff",
            Some(&coordinator),
            json!({"username": "aset", "display_name": "Другой", "role": "expert"}),
        )
        .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.body);
    assert_eq!(duplicate.json()["code"], "already_exists");

    // Bad input names each field; nobody is added.
    let count = app.store.list_staff().await.unwrap().len();
    let bad = app
        .post(
            "/api/v1/staff?lang=ru",
            Some(&coordinator),
            json!({"username": "two words", "display_name": " ", "role": "judge"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(fields(&bad), ["username", "display_name", "role"]);
    let chairing_coordinator = app
        .post(
            "/api/v1/staff",
            Some(&coordinator),
            json!({"username": "boss", "display_name": "Boss", "role": "coordinator", "chair": true}),
        )
        .await;
    assert_eq!(chairing_coordinator.status, 422);
    assert_eq!(fields(&chairing_coordinator), ["chair"]);
    assert_eq!(app.store.list_staff().await.unwrap().len(), count);

    // A new password replaces the old one.
    let reset = app
        .post("/api/v1/staff/aset/password", Some(&coordinator), json!({}))
        .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    let new_password = reset.json()["password"].as_str().unwrap().to_owned();
    assert_ne!(new_password, password);
    assert_eq!(sign_in(password).await.status, 401);
    assert_eq!(sign_in(new_password).await.status, 200);
    let nobody = app
        .post(
            "/api/v1/staff/nobody/password",
            Some(&coordinator),
            json!({}),
        )
        .await;
    assert_eq!(nobody.status, 404, "{}", nobody.body);

    // Owners: listed without keys; a new one's key is shown once and opens its orders.
    let owners = app.get("/api/v1/owners", Some(&coordinator)).await;
    assert_eq!(owners.status, 200, "{}", owners.body);
    let owners_json = owners.json();
    let names: Vec<&str> = owners_json["owners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|owner| owner["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"telegram"), "{}", owners.body);
    assert!(names.contains(&"instagram"), "{}", owners.body);
    assert!(!owners.body.contains("qgk_"), "{}", owners.body);
    assert!(!owners.body.contains("api_key"), "{}", owners.body);
    let vk = app
        .post(
            "/api/v1/owners",
            Some(&coordinator),
            json!({"name": "VK", "display_name": "ВКонтакте", "domains": ["VK.com", " m.vk.com "]}),
        )
        .await;
    assert_eq!(vk.status, 201, "{}", vk.body);
    assert_eq!(vk.header("cache-control"), Some("no-store"));
    let vk = vk.json();
    assert_eq!(vk["name"], "vk");
    assert_eq!(vk["domains"], json!(["vk.com", "m.vk.com"]));
    let key = vk["api_key"].as_str().unwrap();
    let orders = app.get("/api/v1/orders", Some(key)).await;
    assert_eq!(orders.status, 200, "{}", orders.body);
    let stored = app.store.list_owners().await.unwrap();
    let stored_vk = stored.iter().find(|owner| owner.name == "vk").unwrap();
    assert_ne!(stored_vk.api_key_hash, key, "the key is stored hashed");
    let listed = app.get("/api/v1/owners", Some(&coordinator)).await;
    assert!(!listed.body.contains(key));
    assert!(!listed.body.contains(&stored_vk.api_key_hash));

    let duplicate = app
        .post(
            "/api/v1/owners",
            Some(&coordinator),
            json!({"name": "vk", "display_name": "VK"}),
        )
        .await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.body);
    let bad = app
        .post(
            "/api/v1/owners",
            Some(&coordinator),
            json!({"name": "", "display_name": "X", "domains": ["ok ru"]}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert_eq!(fields(&bad), ["name", "domains[0]"]);
    assert_eq!(app.store.list_owners().await.unwrap().len(), stored.len());

    // The coordinator's only: experts and the chair get 403, owners and
    // anonymous callers 401.
    let chair = app.sign_in("chair").await;
    for (method, path, body) in [
        ("GET", "/api/v1/staff", None),
        (
            "POST",
            "/api/v1/staff",
            Some(json!({"username": "x1", "display_name": "X", "role": "expert"})),
        ),
        ("POST", "/api/v1/staff/e1/password", Some(json!({}))),
        ("GET", "/api/v1/owners", None),
        (
            "POST",
            "/api/v1/owners",
            Some(json!({"name": "x1", "display_name": "X"})),
        ),
    ] {
        for (bearer, status) in [
            (Some(chair.as_str()), 403),
            (Some("qgk_telegram"), 401),
            (None, 401),
        ] {
            let authorization = bearer.map(|bearer| format!("Bearer {bearer}"));
            let headers: Vec<(&str, &str)> = authorization
                .iter()
                .map(|value| ("Authorization", value.as_str()))
                .collect();
            let body = body.as_ref().map(Value::to_string);
            let reply = app.request(method, path, &headers, body.as_deref()).await;
            assert_eq!(reply.status, status, "{method} {path} {bearer:?}");
        }
    }
    // e1's password still works: the refused reset changed nothing.
    app.sign_in("e1").await;
}
