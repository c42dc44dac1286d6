//! The pages over real HTTP: what a parent and the staff see, in three languages.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{
    TestApp, check_labels, check_snapshot, input_value, session_cookie, stable, tiny_png,
};
use qorgau_store::Store;

#[tokio::test]
async fn main_pages_in_three_languages_match_their_snapshots() {
    let app = TestApp::spawn().await;
    for language in ["kk", "ru", "en"] {
        for (page, path) in [
            ("start", "/"),
            ("apply", "/apply"),
            ("track", "/track"),
            ("staff-login", "/staff/login"),
        ] {
            let reply = app.get(&format!("{path}?lang={language}"), None).await;
            assert_eq!(reply.status, 200, "{path} {language}");
            assert!(reply.body.contains(&format!("<html lang=\"{language}\">")));
            assert_eq!(reply.header("cache-control"), Some("no-store"));
            assert!(!reply.body.contains("<script"), "no script on {path}");
            check_labels(&format!("{page}.{language}"), &reply.body);
            check_snapshot(&format!("{page}.{language}"), &reply.body);
        }
    }
}

const FILLED: [(&str, &str); 11] = [
    ("language", "ru"),
    ("applicant_name", "Айгуль Ахметова"),
    ("relation", "parent"),
    ("child_name", "Данияр"),
    ("child_birth_date", "2012-04-15"),
    ("resource_1", "https://t.me/school_memes_kz"),
    ("incident_1_date", "2026-11-20"),
    ("incident_1_resource", "https://t.me/school_memes_kz"),
    ("incident_2_date", "2026-11-24"),
    ("email", "aigul@example.kz"),
    ("consent", "yes"),
];

#[tokio::test]
async fn a_parent_applies_and_follows_the_case() {
    let app = TestApp::spawn().await;
    let applied = app.post_form("/apply?lang=ru", &FILLED, None).await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    assert!(applied.body.contains("Заявление принято"));
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let code = between(&applied.body, "id=\"access-code\">", "<");
    assert!(case_id.starts_with("QG-2026-"));

    let tracked = app
        .post_form(
            "/track?lang=en",
            &[("case_id", &case_id.to_lowercase()), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(tracked.status, 200, "{}", tracked.body);
    // Asked in English, shown in the application's language.
    assert!(
        tracked.body.contains("Заявление получено"),
        "{}",
        tracked.body
    );
    // Dates in words, in Almaty time, in the application's language.
    assert!(
        tracked.body.contains("2 декабря 2026 г., 10:00"),
        "{}",
        tracked.body
    );
    assert!(
        applied.body.contains("декабря 2026 г., "),
        "{}",
        applied.body
    );
    let wrong = app
        .post_form(
            "/track?lang=ru",
            &[("case_id", &case_id), ("access_code", "WRONG")],
            None,
        )
        .await;
    assert_eq!(wrong.status, 404);
}

#[tokio::test]
async fn the_form_refuses_without_a_resource_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let without: Vec<(&str, &str)> = FILLED
        .iter()
        .copied()
        .filter(|(name, _)| !name.starts_with("resource") && !name.ends_with("_resource"))
        .map(|(name, value)| {
            if name == "language" {
                (name, "kk")
            } else {
                (name, value)
            }
        })
        .collect();
    let refused = app.post_form("/apply?lang=kk", &without, None).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("class=\"error-summary\""));
    assert!(refused.body.contains("href=\"#resource_1\""));
    assert!(refused.body.contains("интернет-ресурс"));
    assert_eq!(
        input_value(&refused.body, "applicant_name").as_deref(),
        Some("Айгуль Ахметова")
    );
    let mut no_consent: Vec<(&str, &str)> = FILLED
        .iter()
        .copied()
        .filter(|(name, _)| *name != "consent")
        .collect();
    no_consent.push(("email", "not an email"));
    let invalid = app.post_form("/apply?lang=en", &no_consent, None).await;
    assert_eq!(invalid.status, 422);
    assert!(invalid.body.contains("href=\"#consent\""));
    assert!(app.store.list_cases(None).await.unwrap().is_empty());
    check_snapshot("apply-refused.kk", &refused.body);
}

#[tokio::test]
async fn staff_sign_in_with_a_rotating_cookie_and_act_with_csrf_tokens() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app
        .apply(serde_json::json!({
            "language": "ru",
            "applicant": {"name": "A", "relation": "parent", "email": "a@example.kz"},
            "child": {"name": "B", "birth_date": "2012-04-15"},
            "resources": [{"url": "https://t.me/school_memes_kz"}],
            "incidents": [{"occurred_on": "2026-11-20"}, {"occurred_on": "2026-11-21"}]
        }))
        .await;
    let anonymous = app.get("/staff?lang=en", None).await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.header("location"), Some("/staff/login?lang=en"));

    let failed = app
        .post_form(
            "/staff/login?lang=en",
            &[("username", "e1"), ("password", "nope")],
            None,
        )
        .await;
    assert_eq!(failed.status, 401);
    assert_eq!(input_value(&failed.body, "username").as_deref(), Some("e1"));

    let signed_in = app
        .post_form(
            "/staff/login?lang=en",
            &[("username", "e1"), ("password", "e1-password")],
            None,
        )
        .await;
    assert_eq!(signed_in.status, 303);
    let set_cookie = signed_in.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = session_cookie(&signed_in).unwrap();
    let again = app
        .post_form(
            "/staff/login?lang=en",
            &[("username", "e1"), ("password", "e1-password")],
            None,
        )
        .await;
    assert_ne!(
        session_cookie(&again).unwrap(),
        cookie,
        "a new session at every sign-in"
    );

    let queue = app.get_with_cookie("/staff?lang=en", &cookie).await;
    assert_eq!(queue.status, 200);
    assert!(queue.body.contains(&case_id));
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    let csrf = input_value(&page.body, "csrf").unwrap();

    let vote = [
        ("vote", "confirm"),
        ("category", "cyberbullying"),
        ("reasons", "mockery"),
    ];
    let forged = app
        .post_form(
            &format!("/staff/cases/{case_id}/vote?lang=en"),
            &vote,
            Some(&cookie),
        )
        .await;
    assert_eq!(forged.status, 403, "no CSRF token, no vote");
    let mut with_token = vote.to_vec();
    with_token.push(("csrf", &csrf));
    let voted = app
        .post_form(
            &format!("/staff/cases/{case_id}/vote?lang=en"),
            &with_token,
            Some(&cookie),
        )
        .await;
    assert_eq!(voted.status, 303, "{}", voted.body);
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert!(page.body.contains("e1: Confirm"), "{}", page.body);
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap() + start.len();
    let to = text[from..].find(end).unwrap();
    text[from..from + to].to_owned()
}

#[tokio::test]
async fn an_owner_sees_only_its_orders_acknowledges_and_reports_removal() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app
        .apply(serde_json::json!({
            "language": "ru",
            "applicant": {"name": "Айгуль Секретная", "relation": "parent", "email": "aigul@example.kz"},
            "child": {"name": "Данияр Секретов", "birth_date": "2012-04-15"},
            "resources": [{"url": "https://t.me/school_memes_kz"}, {"url": "https://instagram.com/fake_daniyar"}],
            "incidents": [{"occurred_on": "2026-11-20", "description": "мем"}, {"occurred_on": "2026-11-21"}]
        }))
        .await;
    app.confirm(&case_id).await;
    let refused = app
        .post_form("/owner/login?lang=ru", &[("api_key", "qgk_nobody")], None)
        .await;
    assert_eq!(refused.status, 401);
    let signed_in = app
        .post_form("/owner/login?lang=ru", &[("api_key", "qgk_telegram")], None)
        .await;
    assert_eq!(signed_in.status, 303);
    let set_cookie = signed_in.header("set-cookie").unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let token = set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    // The cookie holds a session of its own, never the API key.
    assert!(
        token.starts_with("qgo_") && !token.contains("qgk_telegram"),
        "{set_cookie}"
    );
    let cookie = format!("qorgau_owner={token}");
    let key_as_cookie = app
        .request(
            "GET",
            "/owner/orders?lang=ru",
            &[("Cookie", "qorgau_owner=qgk_telegram")],
            None,
        )
        .await;
    assert_eq!(key_as_cookie.status, 303, "the key is not a session");
    let orders = app
        .request("GET", "/owner/orders?lang=ru", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(orders.status, 200);
    assert!(orders.body.contains("https://t.me/school_memes_kz"));
    assert!(
        !orders.body.contains("instagram.com/fake_daniyar"),
        "another owner's order"
    );
    for secret in ["Айгуль", "Секрет", "aigul@example.kz", "2012-04-15", "мем"] {
        assert!(!orders.body.contains(secret), "the portal leaked {secret}");
    }
    // Seeing the order delivered it.
    assert!(orders.body.contains("доставлено"), "{}", orders.body);
    let order_id = format!("{case_id}-2");
    let csrf = input_value(&orders.body, "csrf").unwrap();
    let body = common::form_body(&[("csrf", &csrf)]);
    let acknowledged = app
        .request(
            "POST",
            &format!("/owner/orders/{order_id}/acknowledge?lang=ru"),
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(acknowledged.status, 303, "{}", acknowledged.body);
    let foreign = app
        .request(
            "POST",
            &format!("/owner/orders/{case_id}-1/acknowledge?lang=ru"),
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(foreign.status, 404);
    let body = common::form_body(&[("csrf", &csrf), ("note", "удалено")]);
    let reported = app
        .request(
            "POST",
            &format!("/owner/orders/{order_id}/removal?lang=ru"),
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(reported.status, 303, "{}", reported.body);
    let after = app
        .request("GET", "/owner/orders?lang=en", &[("Cookie", &cookie)], None)
        .await;
    assert!(after.body.contains("removal reported"), "{}", after.body);

    // Signing out needs the form's token, then ends the session on the server:
    // the same cookie, replayed, leads to the sign-in page.
    let forged = app
        .request(
            "POST",
            "/owner/logout?lang=en",
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(&common::form_body(&[("csrf", "forged")])),
        )
        .await;
    assert_eq!(forged.status, 403);
    let signed_out = app
        .request(
            "POST",
            "/owner/logout?lang=en",
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some(&common::form_body(&[("csrf", &csrf)])),
        )
        .await;
    assert_eq!(signed_out.status, 303, "{}", signed_out.body);
    assert!(
        signed_out
            .header("set-cookie")
            .unwrap()
            .contains("Max-Age=0"),
        "the cookie is cleared"
    );
    let replayed = app
        .request("GET", "/owner/orders?lang=en", &[("Cookie", &cookie)], None)
        .await;
    assert_eq!(replayed.status, 303, "a signed-out session is over");
}

#[tokio::test]
async fn owner_sign_ins_are_throttled_per_address() {
    let app = TestApp::spawn().await;
    for _ in 0..20 {
        let refused = app
            .post_form("/owner/login?lang=kk", &[("api_key", "qgk_guess")], None)
            .await;
        assert_eq!(refused.status, 401);
    }
    // Even the right key waits now: the address has used up its attempts.
    let blocked = app
        .post_form("/owner/login?lang=kk", &[("api_key", "qgk_telegram")], None)
        .await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert!(blocked.body.contains("тым көп"), "{}", blocked.body);
}

#[tokio::test]
async fn signing_out_of_the_staff_pages_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let session = app.page_session("coord").await;
    let queue = app.get_with_cookie("/staff?lang=en", &session).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let csrf = input_value(&queue.body, "csrf").unwrap();
    let signed_out = app
        .post_form("/staff/logout?lang=en", &[("csrf", &csrf)], Some(&session))
        .await;
    assert_eq!(signed_out.status, 303, "{}", signed_out.body);
    let replayed = app.get_with_cookie("/staff?lang=en", &session).await;
    assert_eq!(replayed.status, 303, "the copied cookie is worthless");
}

#[tokio::test]
async fn the_coordinator_registers_a_paper_application_refusals_included() {
    let app = TestApp::spawn().await;
    let expert = app.page_session("e1").await;
    assert_eq!(
        app.get_with_cookie("/staff/register?lang=ru", &expert)
            .await
            .status,
        403
    );
    let coordinator = app.page_session("coord").await;
    let form = app
        .get_with_cookie("/staff/register?lang=ru", &coordinator)
        .await;
    assert_eq!(form.status, 200);
    let csrf = input_value(&form.body, "csrf").unwrap();
    // A paper letter stamped on Monday 30 November, with no Internet resource:
    // recorded as refused, to be answered by post.
    let fields = [
        ("csrf", csrf.as_str()),
        ("received_on", "2026-11-30"),
        ("language", "kk"),
        ("applicant_name", "Ержан Болатұлы"),
        ("relation", "parent"),
        ("postal_address", "Алматы, Абай даңғылы 1"),
        ("child_name", "Әсел"),
        ("child_birth_date", "2011-09-02"),
        ("incident_1_date", "2026-11-25"),
        ("incident_1_description", "хабарламалар"),
    ];
    let registered = app
        .post_form("/staff/register?lang=ru", &fields, Some(&coordinator))
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    let cases = app.store.list_cases(None).await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].phase, "refused");
    assert_eq!(cases[0].language, "kk");
    // Deadlines count from the stamped day: Tue 1, Wed 2, Thu 3 December.
    let case = app
        .store
        .load_case(&cases[0].case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert_eq!(case.response_due.last_day.to_string(), "2026-12-03");
    // A forged form (no CSRF token) records nothing.
    let forged: Vec<(&str, &str)> = fields
        .iter()
        .copied()
        .filter(|(name, _)| *name != "csrf")
        .collect();
    assert_eq!(
        app.post_form("/staff/register?lang=ru", &forged, Some(&coordinator))
            .await
            .status,
        403
    );
    assert_eq!(app.store.list_cases(None).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_coordinator_records_non_compliance_and_escalates_from_the_case_page() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app
        .apply(serde_json::json!({
            "language": "en",
            "applicant": {"name": "A", "relation": "parent", "email": "a@example.kz"},
            "child": {"name": "B", "birth_date": "2012-04-15"},
            "resources": [{"url": "https://t.me/school_memes_kz"}],
            "incidents": [{"occurred_on": "2026-11-20"}, {"occurred_on": "2026-11-21"}]
        }))
        .await;
    app.confirm(&case_id).await;
    // Telegram sees the order at 10:00 on 2 December: removal due 10:00 on the 3rd.
    assert_eq!(
        app.get("/api/v1/orders", Some("qgk_telegram")).await.status,
        200
    );
    app.clock.set("2026-12-03T11:00:00+05:00".parse().unwrap());
    let signed_in = app
        .post_form(
            "/staff/login?lang=en",
            &[("username", "coord"), ("password", "coord-password")],
            None,
        )
        .await;
    let cookie = session_cookie(&signed_in).unwrap();
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    let csrf = input_value(&page.body, "csrf").unwrap();
    let order = format!("{case_id}-1");
    let base = format!("/staff/cases/{case_id}/orders/{order}");
    let not_complied = app
        .post_form(
            &format!("{base}/not-complied?lang=en"),
            &[("csrf", &csrf)],
            Some(&cookie),
        )
        .await;
    assert_eq!(not_complied.status, 303, "{}", not_complied.body);
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert!(
        page.body.contains("Take the next step: reminder"),
        "{}",
        page.body
    );
    let escalated = app
        .post_form(
            &format!("{base}/escalate?lang=en"),
            &[("csrf", &csrf), ("reason", "")],
            Some(&cookie),
        )
        .await;
    assert_eq!(escalated.status, 303);
    // The repeated order is due 24 hours after the deadline: acting now needs a reason.
    let early = app
        .post_form(
            &format!("{base}/escalate?lang=en"),
            &[("csrf", &csrf), ("reason", "")],
            Some(&cookie),
        )
        .await;
    assert_eq!(early.status, 409);
    assert!(early.body.contains("give the reason"), "{}", early.body);
    let with_reason = app
        .post_form(
            &format!("{base}/escalate?lang=en"),
            &[("csrf", &csrf), ("reason", "the post is spreading")],
            Some(&cookie),
        )
        .await;
    assert_eq!(with_reason.status, 303);
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert!(
        page.body.contains("escalated") && page.body.contains("administrative offence record"),
        "{}",
        page.body
    );
}

/// Files the filled form with a small PNG; returns the app, the PNG, and the
/// page that acknowledged the application.
async fn apply_with_png() -> (TestApp, Vec<u8>, common::Reply) {
    let app = TestApp::spawn().await;
    let png = tiny_png();
    let applied = app
        .post_multipart(
            "/apply?lang=en",
            &FILLED,
            &[("evidence", "screenshot.png", "image/png", &png)],
        )
        .await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    (app, png, applied)
}

#[tokio::test]
async fn an_uploaded_png_is_kept_as_evidence_with_its_digest() {
    let (app, png, applied) = apply_with_png().await;
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let code = between(&applied.body, "id=\"access-code\">", "<");

    let listed = app
        .get(
            &format!("/api/v1/applications/{case_id}/evidence"),
            Some(&code),
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.json();
    let uploads: Vec<_> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["kind"] == "upload")
        .collect();
    assert_eq!(uploads.len(), 1, "{items}");
    let digest = qorgau_evidence::Sha256Digest::of(&png).to_string();
    assert_eq!(uploads[0]["digest"], digest.as_str());
    assert_eq!(uploads[0]["size"], png.len() as u64);
    assert!(uploads[0]["log_index"].is_u64());

    let file = app
        .get_bytes(uploads[0]["file"].as_str().unwrap(), Some(&code))
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, png, "stored byte for byte");
    let receipt = app
        .get(uploads[0]["receipt"].as_str().unwrap(), Some(&code))
        .await;
    assert_eq!(receipt.status, 200, "{}", receipt.body);
}

#[tokio::test]
async fn a_disguised_or_oversized_file_is_refused_and_nothing_is_recorded() {
    let app = TestApp::spawn().await;
    let log_before = app.store.log_size().await.unwrap();
    let executable = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode".to_vec();
    let script = b"#!/bin/sh\nrm -rf /\n".to_vec();
    for bytes in [executable, script] {
        let refused = app
            .post_multipart(
                "/apply?lang=en",
                &FILLED,
                &[("evidence", "photo.png", "image/png", &bytes)],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused
                .body
                .contains("its content was checked, not its name"),
            "{}",
            refused.body
        );
        assert!(refused.body.contains("id=\"evidence-error\""));
        // What was typed comes back.
        assert_eq!(
            input_value(&refused.body, "applicant_name").as_deref(),
            Some("Айгуль Ахметова")
        );
    }

    let mut oversized = tiny_png();
    oversized.resize(10 * 1024 * 1024 + 1, 0);
    let refused = app
        .post_multipart(
            "/apply?lang=en",
            &FILLED,
            &[("evidence", "big.png", "image/png", &oversized)],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("larger than 10 MB"),
        "{}",
        refused.body
    );

    assert_eq!(app.store.log_size().await.unwrap(), log_before);
}

#[tokio::test]
async fn staff_see_uploaded_images_blurred_until_opened() {
    let (app, _, applied) = apply_with_png().await;
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let cookie = app.page_session("e1").await;
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert_eq!(page.status, 200);
    let image_at = page
        .body
        .find("<details class=\"sensitive\">")
        .unwrap_or_else(|| panic!("{}", page.body));
    let href = between(&page.body[image_at..], "<img src=\"", "\"");
    let file = app.get_with_cookie(&href, &cookie).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/png"));
    // Applicants and the public cannot reach the staff route.
    assert_eq!(app.get(&href, None).await.status, 303);
}

#[tokio::test]
async fn the_coordinator_adds_staff_and_resource_owners_whose_secrets_are_shown_once() {
    let app = TestApp::spawn().await;
    let expert = app.page_session("e1").await;
    assert_eq!(
        app.get_with_cookie("/staff/people?lang=en", &expert)
            .await
            .status,
        403
    );
    let cookie = app.page_session("coord").await;
    let page = app.get_with_cookie("/staff/people?lang=en", &cookie).await;
    assert_eq!(page.status, 200);
    let csrf = input_value(&page.body, "csrf").unwrap();
    let added = app
        .post_form(
            "/staff/people/staff?lang=en",
            &[
                ("csrf", &csrf),
                ("username", "e3"),
                ("name", "Expert Three"),
                ("role", "expert"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let notice = between(&added.body, "id=\"notice\">", "<");
    let password = notice.rsplit(": ").next().unwrap().trim().to_owned();
    let token = app
        .post(
            "/api/v1/auth/token",
            None,
            serde_json::json!({"username": "e3", "password": password}),
        )
        .await;
    assert_eq!(token.status, 200, "{notice}");
    let again = app
        .post_form(
            "/staff/people/staff?lang=en",
            &[
                ("csrf", &csrf),
                ("username", "e3"),
                ("name", "X"),
                ("role", "expert"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(again.status, 409);
    let owner = app
        .post_form(
            "/staff/people/owners?lang=en",
            &[
                ("csrf", &csrf),
                ("name", "vk"),
                ("display_name", "VK"),
                ("domains", "vk.com, m.vk.com"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(owner.status, 201);
    let key = between(&owner.body, "id=\"notice\">", "<")
        .rsplit(": ")
        .next()
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(app.get("/api/v1/orders", Some(&key)).await.status, 200);
    let forged = app
        .post_form(
            "/staff/people/owners?lang=en",
            &[("name", "x"), ("display_name", "X")],
            Some(&cookie),
        )
        .await;
    assert_eq!(forged.status, 403);
}

/// A case naming two resources of two owners, with the evidence of two incidents.
fn two_owner_application() -> serde_json::Value {
    serde_json::json!({
        "language": "ru",
        "applicant": {"name": "A", "relation": "parent", "email": "a@example.kz"},
        "child": {"name": "B", "birth_date": "2012-04-15"},
        "resources": [{"url": "https://t.me/school_memes_kz"}, {"url": "https://instagram.com/fake_daniyar"}],
        "incidents": [{"occurred_on": "2026-11-20"}, {"occurred_on": "2026-11-21"}]
    })
}

async fn event_count(app: &TestApp, case_id: &str) -> usize {
    app.store
        .load_case(case_id)
        .await
        .unwrap()
        .unwrap()
        .events
        .len()
}

#[tokio::test]
async fn the_orders_a_decision_would_issue_are_previewed_before_deciding_and_nothing_is_recorded() {
    let app = TestApp::spawn().await;
    let (case_id, code) = app.apply(two_owner_application()).await;
    let recorded = event_count(&app, &case_id).await;
    let base = format!("/staff/cases/{case_id}");

    for who in ["coord", "chair"] {
        let cookie = app.page_session(who).await;
        let page = app
            .get_with_cookie(&format!("{base}?lang=ru"), &cookie)
            .await;
        assert_eq!(page.status, 200);
        let section = between(&page.body, "<section id=\"draft-orders\">", "<form");
        for fact in [
            "Предписание владельцу instagram",
            "Предписание владельцу telegram",
            "https://t.me/school_memes_kz",
            "https://instagram.com/fake_daniyar",
            "Удаление в течение 24 ч",
            "/draft-orders/1/document.pdf",
            "/draft-orders/2/document.html",
        ] {
            assert!(section.contains(fact), "{who}: {fact} in {section}");
        }
        // Before the decide button, not after it.
        assert!(page.body.find("draft-orders").unwrap() < page.body.find("/decide").unwrap());
        // The drafts by the same path as the order: kk and ru, no number, no code.
        let html = app
            .get_with_cookie(&format!("{base}/draft-orders/2/document.html"), &cookie)
            .await;
        assert_eq!(html.status, 200);
        assert!(html.body.contains("ЖОБА: НҰСҚАМА"), "{}", html.body);
        assert!(html.body.contains("ПРОЕКТ: ПРЕДПИСАНИЕ"));
        assert!(html.body.contains("https://t.me/school_memes_kz"));
        assert!(!html.body.contains("https://instagram.com/fake_daniyar"));
        assert!(
            !html.body.contains(&format!("{case_id}-")),
            "no order number"
        );
        assert!(!html.body.contains("/verify/"), "no verification code");
        let pdf = app
            .get_with_cookie(&format!("{base}/draft-orders/1/document.pdf"), &cookie)
            .await;
        assert_eq!(pdf.status, 200);
        assert_eq!(pdf.header("content-type"), Some("application/pdf"));
        let missing = app
            .get_with_cookie(&format!("{base}/draft-orders/3/document.pdf"), &cookie)
            .await;
        assert_eq!(missing.status, 404);
    }
    // The API gives the same list and the PDF; pdftotext reads it in CI.
    let chair = app.sign_in("chair").await;
    let listed = app
        .get(
            &format!("/api/v1/cases/{case_id}/draft-orders"),
            Some(&chair),
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let orders = listed.json()["orders"].as_array().unwrap().clone();
    assert_eq!(orders.len(), 2);
    assert_eq!(orders[1]["owner"], "telegram");
    assert_eq!(orders[1]["urls"][0], "https://t.me/school_memes_kz");
    assert_eq!(orders[1]["removal_hours"], 24);
    assert!(!orders[1]["legal_basis"].as_array().unwrap().is_empty());
    let pdf = app
        .get_bytes(
            &format!("/api/v1/cases/{case_id}/draft-orders/2/document"),
            Some(&chair),
        )
        .await;
    assert_eq!(pdf.status, 200);
    if let Some(text) = common::pdf_text(&pdf.body) {
        assert!(text.contains("ПРОЕКТ"), "{text}");
        assert!(text.contains("https://t.me/school_memes_kz"), "{text}");
        assert!(!text.contains("Кодпроверки"), "{text}");
    }

    // Refused to an expert who is not the chair, to owners and to anyone.
    let expert = app.page_session("e1").await;
    let page = app
        .get_with_cookie(&format!("{base}?lang=ru"), &expert)
        .await;
    assert!(!page.body.contains("draft-orders"));
    for path in [
        format!("{base}/draft-orders/1/document.pdf"),
        format!("{base}/draft-orders/1/document.html"),
    ] {
        assert_eq!(app.get_with_cookie(&path, &expert).await.status, 403);
        assert_eq!(app.get(&path, None).await.status, 303, "to sign in");
    }
    let api = format!("/api/v1/cases/{case_id}/draft-orders");
    let e1 = app.sign_in("e1").await;
    assert_eq!(app.get(&api, Some(&e1)).await.status, 403);
    assert_eq!(app.get(&api, Some("qgk_telegram")).await.status, 401);
    assert_eq!(app.get(&api, Some(&code)).await.status, 401);
    assert_eq!(app.get(&api, None).await.status, 401);
    assert_eq!(
        event_count(&app, &case_id).await,
        recorded,
        "nothing recorded"
    );

    // The decision then issues exactly the orders previewed.
    let decided = app.confirm(&case_id).await;
    let issued: Vec<(String, String)> = decided["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| {
            (
                order["owner"].as_str().unwrap().to_owned(),
                order["urls"][0].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let previewed: Vec<(String, String)> = orders
        .iter()
        .map(|order| {
            (
                order["owner"].as_str().unwrap().to_owned(),
                order["urls"][0].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(issued, previewed);
    assert_eq!(app.get(&api, Some(&chair)).await.status, 409);
}

#[tokio::test]
async fn the_response_letter_is_shown_in_the_case_language_before_the_respond_button() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app.apply(two_owner_application()).await;
    let cookie = app.page_session("coord").await;
    let before = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert!(
        !before.body.contains("response-preview"),
        "nothing to answer yet"
    );
    app.confirm(&case_id).await;
    // The page in English, the letter in the case's language (Russian).
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    let preview = page.body.find("<section id=\"response-preview\">").unwrap();
    let respond = page.body.find("/respond?").unwrap();
    assert!(preview < respond, "the letter comes before the button");
    let letter = between(&page.body, "<pre class=\"letter\">", "</pre>");
    assert!(letter.contains("Ответ на ваше обращение"), "{letter}");
    assert!(letter.contains(&case_id));
    assert!(letter.contains("Факты подтверждены"), "{letter}");
    // After the response is recorded, no preview and no button.
    let csrf = input_value(&page.body, "csrf").unwrap();
    let sent = app
        .post_form(
            &format!("/staff/cases/{case_id}/respond?lang=en"),
            &[("csrf", &csrf)],
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 303);
    let after = app
        .get_with_cookie(&format!("/staff/cases/{case_id}?lang=en"), &cookie)
        .await;
    assert!(!after.body.contains("response-preview"));
}

#[tokio::test]
async fn the_chair_extends_from_the_case_page_with_errors_beside_the_fields() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app.apply(two_owner_application()).await;
    let base = format!("/staff/cases/{case_id}");
    for who in ["coord", "e1"] {
        let cookie = app.page_session(who).await;
        let page = app.get_with_cookie(&base, &cookie).await;
        assert!(!page.body.contains("id=\"extension\""), "{who}");
        let csrf = input_value(&page.body, "csrf").unwrap();
        let refused = app
            .post_form(
                &format!("{base}/extension"),
                &[("csrf", &csrf), ("until", "2026-12-10"), ("reason", "r")],
                Some(&cookie),
            )
            .await;
        assert_eq!(refused.status, 403, "{who}");
    }
    let chair = app.page_session("chair").await;
    let page = app
        .get_with_cookie(&format!("{base}?lang=kk"), &chair)
        .await;
    assert!(page.body.contains("id=\"extension\""));
    check_labels("case.chair.kk", &page.body);
    let csrf = input_value(&page.body, "csrf").unwrap();
    let recorded = event_count(&app, &case_id).await;
    let forged = app
        .post_form(
            &format!("{base}/extension"),
            &[("until", "2026-12-10"), ("reason", "many files")],
            Some(&chair),
        )
        .await;
    assert_eq!(forged.status, 403, "no CSRF token");
    // No reason: refused beside the reason, in Kazakh, the date kept.
    let no_reason = app
        .post_form(
            &format!("{base}/extension?lang=kk"),
            &[("csrf", &csrf), ("until", "2026-12-10"), ("reason", " ")],
            Some(&chair),
        )
        .await;
    assert_eq!(no_reason.status, 422);
    assert!(
        no_reason
            .body
            .contains("id=\"extension_reason-error\">Ұзарту негіздемесін жазыңыз.</p>"),
        "{}",
        no_reason.body
    );
    assert_eq!(
        input_value(&no_reason.body, "until").as_deref(),
        Some("2026-12-10")
    );
    // Beyond 15 calendar days from receipt (2 December): beside the date, in Russian.
    let too_long = app
        .post_form(
            &format!("{base}/extension?lang=ru"),
            &[
                ("csrf", &csrf),
                ("until", "2026-12-31"),
                ("reason", "много материалов"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(too_long.status, 422);
    let message = between(&too_long.body, "id=\"until-error\">", "</p>");
    assert!(
        message.contains("17.12.2026") || message.contains("2026-12-17"),
        "{message}"
    );
    assert!(
        too_long.body.contains("много материалов"),
        "the reason is kept"
    );
    let not_a_date = app
        .post_form(
            &format!("{base}/extension?lang=en"),
            &[("csrf", &csrf), ("until", "next week"), ("reason", "r")],
            Some(&chair),
        )
        .await;
    assert_eq!(not_a_date.status, 422);
    assert!(not_a_date.body.contains("id=\"until-error\""));
    assert_eq!(
        event_count(&app, &case_id).await,
        recorded,
        "nothing recorded"
    );

    let extended = app
        .post_form(
            &format!("{base}/extension?lang=ru"),
            &[
                ("csrf", &csrf),
                ("until", "2026-12-10"),
                ("reason", "много материалов"),
            ],
            Some(&chair),
        )
        .await;
    assert_eq!(extended.status, 303, "{}", extended.body);
    let case = app.store.load_case(&case_id).await.unwrap().unwrap();
    let state = case.state().unwrap();
    let extension = state.extension.unwrap();
    assert_eq!(extension.until.to_string(), "2026-12-10");
    assert_eq!(extension.reason, "много материалов");
    let page = app.get_with_cookie(&base, &chair).await;
    assert!(!page.body.contains("id=\"extension\""), "extended once");
}

#[tokio::test]
async fn the_queue_puts_overdue_cases_first_then_the_nearest_deadline_with_working_days_left() {
    let app = TestApp::spawn().await;
    // A on Wednesday 2 December, B on Thursday the 3rd (its decision due at
    // the end of Tuesday the 8th). On Monday the 7th the chair extends A to
    // the 15th (the applicant to be told by the end of Wednesday the 9th)
    // and C arrives (due at the end of Thursday the 10th).
    let (a, _) = app.apply(two_owner_application()).await;
    app.clock.set("2026-12-03T10:00:00+05:00".parse().unwrap());
    let (b, _) = app.apply(two_owner_application()).await;
    app.clock.set("2026-12-07T10:00:00+05:00".parse().unwrap());
    let chair = app.sign_in("chair").await;
    let extended = app
        .post(
            &format!("/api/v1/cases/{a}/extension"),
            Some(&chair),
            serde_json::json!({"until": "2026-12-15", "reason": "many files"}),
        )
        .await;
    assert_eq!(extended.status, 200, "{}", extended.body);
    let (c, _) = app.apply(two_owner_application()).await;
    // Wednesday the 9th at noon: B is overdue; A's notice is due today.
    app.clock.set("2026-12-09T12:00:00+05:00".parse().unwrap());

    let token = app.sign_in("e1").await;
    let queue = app.get("/api/v1/cases", Some(&token)).await.json();
    let rows: Vec<(String, bool, serde_json::Value)> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["case_id"].as_str().unwrap().to_owned(),
                row["next_deadline"]["overdue"].as_bool().unwrap(),
                row["next_deadline"]["working_days_left"].clone(),
            )
        })
        .collect();
    let order: Vec<&str> = rows.iter().map(|(case, _, _)| case.as_str()).collect();
    assert_eq!(order, [b.as_str(), a.as_str(), c.as_str()], "{queue}");
    let overdue: Vec<bool> = rows.iter().map(|(_, overdue, _)| *overdue).collect();
    assert_eq!(overdue, [true, false, false]);
    // Working days after today up to the last day: B's was yesterday (-1),
    // A's notice ends today (0), C's tomorrow (1).
    let left: Vec<&serde_json::Value> = rows.iter().map(|(_, _, left)| left).collect();
    assert_eq!(
        left,
        [
            &serde_json::json!(-1),
            &serde_json::json!(0),
            &serde_json::json!(1)
        ],
        "{queue}"
    );

    let cookie = app.page_session("e1").await;
    for language in ["kk", "ru", "en"] {
        let page = app
            .get_with_cookie(&format!("/staff?lang={language}"), &cookie)
            .await;
        let table = between(&page.body, "<tbody>", "</tbody>");
        let positions: Vec<usize> = [&b, &a, &c]
            .iter()
            .map(|case| table.find(&format!(">{case}</a>")).unwrap())
            .collect();
        assert!(
            positions.windows(2).all(|pair| pair[0] < pair[1]),
            "{table}"
        );
        let first_row = between(&table, "<tr>", "</tr>");
        assert!(first_row.contains("class=\"overdue\""), "{first_row}");
        assert_eq!(table.matches("class=\"overdue\"").count(), 1, "{table}");
    }
}

#[tokio::test]
async fn the_pages_along_a_case_in_three_languages_match_their_snapshots() {
    let app = TestApp::spawn().await;
    let coordinator = app.page_session("coord").await;
    let expert = app.page_session("e1").await;
    let mut cases = Vec::new();
    for language in ["kk", "ru", "en"] {
        let mut fields = FILLED.to_vec();
        fields[0] = ("language", language);
        let applied = app
            .post_form(&format!("/apply?lang={language}"), &fields, None)
            .await;
        assert_eq!(applied.status, 201, "{}", applied.body);
        let case_id = between(&applied.body, "id=\"case-id\">", "<");
        let code = between(&applied.body, "id=\"access-code\">", "<");
        check_snapshot(
            &format!("applied.{language}"),
            &stable(&applied.body, &code),
        );
        let tracked = app
            .post_form(
                &format!("/track?lang={language}"),
                &[("case_id", &case_id), ("access_code", &code)],
                None,
            )
            .await;
        assert_eq!(tracked.status, 200);
        check_snapshot(
            &format!("tracked.{language}"),
            &stable(&tracked.body, &code),
        );
        cases.push((case_id, code));
    }
    for (language, (case_id, code)) in ["kk", "ru", "en"].iter().zip(&cases) {
        let queue = app
            .get_with_cookie(&format!("/staff?lang={language}"), &expert)
            .await;
        check_labels(&format!("staff-queue.{language}"), &queue.body);
        check_snapshot(
            &format!("staff-queue.{language}"),
            &stable(&queue.body, code),
        );
        // Before the decision: the evidence, the votes, the orders previewed.
        let case = app
            .get_with_cookie(
                &format!("/staff/cases/{case_id}?lang={language}"),
                &coordinator,
            )
            .await;
        assert_eq!(case.status, 200);
        check_labels(&format!("staff-case.{language}"), &case.body);
        check_snapshot(&format!("staff-case.{language}"), &stable(&case.body, code));
    }
    // The first case confirmed: telegram's portal lists its order.
    app.confirm(&cases[0].0).await;
    let telegram = app.owner_session("qgk_telegram").await;
    for language in ["kk", "ru", "en"] {
        let portal = app
            .request(
                "GET",
                &format!("/owner/orders?lang={language}"),
                &[("Cookie", &telegram)],
                None,
            )
            .await;
        assert_eq!(portal.status, 200);
        assert!(!portal.body.contains("Данияр"), "never the child");
        check_snapshot(
            &format!("owner-orders.{language}"),
            &stable(&portal.body, &cases[0].1),
        );
    }
}

/// What a browser sends for a page's form: every hidden and typed input, the
/// checked radios and boxes, the textareas (HTML entities decoded). Buttons
/// are left out: the caller names the one pressed.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let unescape = |text: &str| {
        text.replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&#38;", "&")
    };
    let attribute = |tag: &str, name: &str| {
        let marker = format!(" {name}=\"");
        let start = tag.find(&marker)? + marker.len();
        let end = tag[start..].find('"')?;
        Some(unescape(&tag[start..start + end]))
    };
    let form = &html[html.find("<form id=\"apply-form\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut fields = Vec::new();
    for chunk in form.split("<input").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        let kind = attribute(tag, "type").unwrap_or_default();
        let Some(name) = attribute(tag, "name") else {
            continue;
        };
        if kind == "file" || ((kind == "radio" || kind == "checkbox") && !tag.contains(" checked"))
        {
            continue;
        }
        fields.push((name, attribute(tag, "value").unwrap_or_default()));
    }
    for chunk in form.split("<textarea").skip(1) {
        let tag = &chunk[..chunk.find('>').unwrap()];
        let content = &chunk[chunk.find('>').unwrap() + 1..chunk.find("</textarea>").unwrap()];
        fields.push((attribute(tag, "name").unwrap(), unescape(content)));
    }
    fields
}

/// Fills `answers` into the page's form (replacing what it held) and presses
/// the button `pressed` (name, value), posting to `/apply/step` in `language`.
async fn press(
    app: &TestApp,
    page: &str,
    language: &str,
    answers: &[(&str, &str)],
    pressed: (&str, &str),
) -> common::Reply {
    let mut fields = form_fields(page);
    fields.retain(|(name, _)| !answers.iter().any(|(answer, _)| answer == name));
    fields.extend(
        answers
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    fields.push((pressed.0.to_owned(), pressed.1.to_owned()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let reply = app
        .post_form(&format!("/apply/step?lang={language}"), &borrowed, None)
        .await;
    assert_no_child_in_urls(&reply);
    reply
}

const CHILD: &str = "Әсел Ержанқызы";

/// The child's name is in no URL: no `Location`, no form's `action` or
/// button's `formaction` (so it cannot reach access logs, history or a `Referer`).
fn assert_no_child_in_urls(reply: &common::Reply) {
    let encoded: String = CHILD.bytes().map(|byte| format!("%{byte:02X}")).collect();
    for (name, value) in &reply.headers {
        assert!(
            !value.contains(CHILD) && !value.contains(&encoded),
            "{name}: {value}"
        );
    }
    for marker in ["action=\"", "formaction=\"", "href=\""] {
        for chunk in reply.body.split(marker).skip(1) {
            let url = &chunk[..chunk.find('"').unwrap()];
            assert!(
                !url.contains(CHILD) && !url.contains(&encoded) && !url.contains("%D3%98"),
                "a URL carries the child's name: {url}"
            );
        }
    }
}

/// Each step's answers, in the order they are asked.
const STEP_1: [(&str, &str); 2] = [("applicant_name", "Ержан Болатұлы"), ("relation", "parent")];
const STEP_2: [(&str, &str); 2] = [("child_name", CHILD), ("child_birth_date", "2011-09-02")];
const STEP_3: [(&str, &str); 8] = [
    ("resource_1", "https://t.me/school_memes_kz"),
    ("incident_1_date", "2026-11-20"),
    ("incident_1_resource", "https://t.me/school_memes_kz"),
    ("incident_1_actor", "@mocker"),
    ("incident_1_description", "Қорлайтын мем \"сурет\" <b>"),
    ("incident_2_date", "2026-11-24"),
    ("incident_2_resource", "https://t.me/school_memes_kz"),
    ("incident_2_description", "Тағы бір мем"),
];
const STEP_4: [(&str, &str); 3] = [
    ("email", "erzhan@example.kz"),
    ("phone", "+7 701 555 12 34"),
    ("consent", "yes"),
];

/// Walks steps 1 to 4 in `language`, checking each answer is accepted, and
/// returns each page reached (steps 2, 3, 4 and the check page).
async fn walk(app: &TestApp, language: &str) -> Vec<String> {
    let first = app.get(&format!("/apply?lang={language}"), None).await;
    assert_eq!(first.status, 200);
    assert_no_child_in_urls(&first);
    let mut page = first.body;
    let mut pages = Vec::new();
    for (step, answers) in [&STEP_1[..], &STEP_2[..], &STEP_3[..], &STEP_4[..]]
        .into_iter()
        .enumerate()
    {
        let reply = press(app, &page, language, answers, ("action", "next")).await;
        assert_eq!(reply.status, 200, "step {}: {}", step + 1, reply.body);
        assert!(
            reply
                .body
                .contains(&format!("name=\"step\" value=\"{}\"", step + 2)),
            "step {} leads on: {}",
            step + 1,
            reply.body
        );
        assert!(!reply.body.contains("error-summary"), "{}", reply.body);
        page = reply.body;
        pages.push(page.clone());
    }
    pages
}

/// Posts the check page's form to `/apply` (multipart, as the browser does),
/// with `files`.
async fn send(
    app: &TestApp,
    check: &str,
    language: &str,
    files: &[(&str, &str, &str, &[u8])],
) -> common::Reply {
    let fields = form_fields(check);
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let reply = app
        .post_multipart(&format!("/apply?lang={language}"), &borrowed, files)
        .await;
    assert_no_child_in_urls(&reply);
    reply
}

#[tokio::test]
async fn walking_the_steps_in_kazakh_records_every_answer() {
    let app = TestApp::spawn().await;
    let pages = walk(&app, "kk").await;
    let check = pages.last().unwrap();
    // The check page shows every answer, and a change button per section.
    for (_, answer) in STEP_1
        .iter()
        .chain(&STEP_2)
        .chain(&STEP_3)
        .chain(&STEP_4)
        .filter(|(name, _)| !["relation", "consent"].contains(name))
    {
        let shown = answer
            .replace('&', "&#38;")
            .replace('"', "&#34;")
            .replace('<', "&#60;")
            .replace('>', "&#62;");
        let list = between(check, "<section class=\"answers\"", "<h2>Файлдар");
        assert!(list.contains(&shown), "{shown} is not on the check page");
    }
    assert!(check.contains("<dd>Ата-анасы</dd>"), "{check}");
    assert!(check.contains("<dd>Берілді</dd>"), "{check}");
    for step in 1..=4 {
        assert!(
            check.contains(&format!("name=\"goto\" value=\"{step}\"")),
            "no change button for step {step}"
        );
    }
    assert!(check.contains("action=\"/apply?lang=kk\" enctype=\"multipart/form-data\""));
    assert!(check.contains("type=\"file\" id=\"evidence\""));
    assert!(check.contains("10 МБ"), "the file limits are stated");
    let applied = send(
        &app,
        check,
        "kk",
        &[("evidence", "скрин.png", "image/png", &tiny_png())],
    )
    .await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let case = app.store.load_case(&case_id).await.unwrap().unwrap();
    let state = case.state().unwrap();
    let application = &state.application;
    assert_eq!(application.language.tag(), "kk");
    assert_eq!(
        application.applicant.name.as_deref(),
        Some("Ержан Болатұлы")
    );
    assert_eq!(
        application.applicant.relation,
        Some(qorgau_domain::application::Relation::Parent)
    );
    assert_eq!(
        application.applicant.email.as_deref(),
        Some("erzhan@example.kz")
    );
    assert!(
        application
            .applicant
            .phone
            .as_deref()
            .unwrap()
            .contains("7015551234")
    );
    assert_eq!(application.child.name.as_deref(), Some(CHILD));
    assert_eq!(
        application.child.birth_date.unwrap().to_string(),
        "2011-09-02"
    );
    let resources: Vec<&str> = application
        .resources
        .iter()
        .map(|resource| resource.reported_as.as_str())
        .collect();
    assert_eq!(resources, ["https://t.me/school_memes_kz"]);
    let incidents: Vec<(String, &str, Option<&str>)> = application
        .incidents
        .iter()
        .map(|incident| {
            (
                incident.occurred_on.to_string(),
                incident.description.as_str(),
                incident.actor.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        incidents,
        [
            (
                "2026-11-20".to_owned(),
                "Қорлайтын мем \"сурет\" <b>",
                Some("@mocker")
            ),
            ("2026-11-24".to_owned(), "Тағы бір мем", None)
        ]
    );
    assert!(
        application
            .incidents
            .iter()
            .all(|incident| incident.resource_key.is_some())
    );
    let uploads = app
        .get(
            &format!("/api/v1/applications/{case_id}/evidence",),
            Some(&between(&applied.body, "id=\"access-code\">", "<")),
        )
        .await
        .json();
    assert_eq!(
        uploads
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["kind"] == "upload")
            .count(),
        1
    );
}

#[tokio::test]
async fn an_error_on_the_child_step_shows_the_summary_and_keeps_the_first_answers() {
    let app = TestApp::spawn().await;
    let first = app.get("/apply?lang=kk", None).await.body;
    // Nothing on step 1: each missing answer beside its field.
    let empty = press(&app, &first, "kk", &[], ("action", "next")).await;
    assert_eq!(empty.status, 422);
    assert!(
        empty.body.contains("href=\"#applicant_name\""),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("href=\"#relation\""));
    assert!(empty.body.contains("id=\"relation\" name=\"relation\""));
    assert!(empty.body.contains("name=\"step\" value=\"1\""));
    let second = press(&app, &first, "kk", &STEP_1, ("action", "next")).await;
    assert_eq!(second.status, 200);
    let wrong = press(
        &app,
        &second.body,
        "kk",
        &[("child_name", CHILD), ("child_birth_date", "02.09.2011")],
        ("action", "next"),
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let summary = between(&wrong.body, "class=\"error-summary\"", "</div>");
    assert!(summary.contains("href=\"#child_birth_date\""), "{summary}");
    assert!(summary.contains("Қателер бар"), "{summary}");
    assert!(wrong.body.contains("id=\"child_birth_date-error\""));
    assert!(wrong.body.contains("name=\"step\" value=\"2\""));
    // What was typed on this step, and step 1's answers, are all still there.
    assert_eq!(
        input_value(&wrong.body, "child_birth_date").as_deref(),
        Some("02.09.2011")
    );
    assert_eq!(
        input_value(&wrong.body, "child_name").as_deref(),
        Some(CHILD)
    );
    assert_eq!(
        input_value(&wrong.body, "applicant_name").as_deref(),
        Some("Ержан Болатұлы")
    );
    assert_eq!(
        input_value(&wrong.body, "relation").as_deref(),
        Some("parent")
    );
    // A date in the future is the domain's error too; a right date goes on.
    let future = press(
        &app,
        &wrong.body,
        "kk",
        &[("child_birth_date", "2030-01-01")],
        ("action", "next"),
    )
    .await;
    assert_eq!(future.status, 422);
    let fixed = press(
        &app,
        &wrong.body,
        "kk",
        &[("child_birth_date", "2011-09-02")],
        ("action", "next"),
    )
    .await;
    assert_eq!(fixed.status, 200);
    assert!(fixed.body.contains("name=\"step\" value=\"3\""));
    // Back keeps the answers without checking them.
    let back = press(&app, &fixed.body, "kk", &[], ("action", "back")).await;
    assert_eq!(back.status, 200);
    assert_eq!(
        input_value(&back.body, "child_name").as_deref(),
        Some(CHILD)
    );
}

#[tokio::test]
async fn the_resource_rule_is_applied_on_its_step_before_anything_is_sent() {
    let app = TestApp::spawn().await;
    let pages = walk(&app, "kk").await;
    let step_3 = press(&app, &pages[2], "kk", &[], ("action", "back")).await;
    assert!(step_3.body.contains("name=\"step\" value=\"3\""));
    let without: Vec<(&str, &str)> = [
        ("resource_1", ""),
        ("incident_1_resource", ""),
        ("incident_2_resource", ""),
    ]
    .to_vec();
    let refused = press(&app, &step_3.body, "kk", &without, ("action", "next")).await;
    assert_eq!(refused.status, 422);
    let summary = between(&refused.body, "class=\"error-summary\"", "</div>");
    assert!(summary.contains("href=\"#resource_1\""), "{summary}");
    assert!(summary.contains("интернет-ресурс"), "{summary}");
    assert!(
        refused.body.contains("Тағы бір мем"),
        "the incidents are kept"
    );
    assert!(app.store.list_cases(None).await.unwrap().is_empty());
}

#[tokio::test]
async fn add_another_gives_a_fourth_resource_and_the_case_records_four() {
    let app = TestApp::spawn().await;
    let pages = walk(&app, "ru").await;
    let mut page = press(&app, &pages[3], "ru", &[], ("goto", "3")).await.body;
    assert!(page.contains("id=\"resource_1\""));
    assert!(
        !page.contains("id=\"resource_2\""),
        "one slot to start with"
    );
    for number in 2..=4 {
        let added = press(&app, &page, "ru", &[], ("action", "add_resource")).await;
        assert_eq!(added.status, 200);
        assert!(added.body.contains(&format!("id=\"resource_{number}\"")));
        page = added.body;
    }
    assert!(!page.contains("id=\"resource_5\""));
    let links = [
        ("resource_2", "https://instagram.com/fake_daniyar"),
        ("resource_3", "https://vk.com/mocking_group"),
        ("resource_4", "https://www.tiktok.com/@mocker_kz"),
    ];
    // Removing the second moves the later ones up.
    let filled = press(&app, &page, "ru", &links, ("action", "remove_resource_2")).await;
    assert_eq!(
        input_value(&filled.body, "resource_2").as_deref(),
        Some("https://vk.com/mocking_group")
    );
    assert!(!filled.body.contains("id=\"resource_4\""));
    let again = press(&app, &filled.body, "ru", &[], ("action", "add_resource")).await;
    let fourth = press(
        &app,
        &again.body,
        "ru",
        &[("resource_4", "https://instagram.com/fake_daniyar")],
        ("action", "next"),
    )
    .await;
    assert_eq!(fourth.status, 200, "{}", fourth.body);
    // Changing from the check page leads back to it.
    assert!(fourth.body.contains("name=\"step\" value=\"5\""));
    let applied = send(&app, &fourth.body, "ru", &[]).await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let case = app.store.load_case(&case_id).await.unwrap().unwrap();
    let reported: Vec<String> = case
        .state()
        .unwrap()
        .application
        .resources
        .iter()
        .map(|resource| resource.reported_as.clone())
        .collect();
    assert_eq!(
        reported,
        [
            "https://t.me/school_memes_kz",
            "https://vk.com/mocking_group",
            "https://www.tiktok.com/@mocker_kz",
            "https://instagram.com/fake_daniyar"
        ]
    );

    // The cap: ten slots, then no "add" button and the limit said.
    let mut page = press(&app, &pages[2], "en", &[], ("action", "back"))
        .await
        .body;
    for _ in 0..12 {
        page = press(&app, &page, "en", &[], ("action", "add_resource"))
            .await
            .body;
    }
    assert!(page.contains("id=\"resource_10\""));
    assert!(!page.contains("id=\"resource_11\""));
    assert!(!page.contains("value=\"add_resource\""));
    assert!(page.contains("up to 10"), "{page}");
}

#[tokio::test]
async fn the_check_page_changes_an_answer_and_the_language_switch_keeps_them() {
    let app = TestApp::spawn().await;
    let pages = walk(&app, "kk").await;
    let check = &pages[3];
    let change = press(&app, check, "kk", &[], ("goto", "2")).await;
    assert_eq!(change.status, 200);
    assert!(change.body.contains("name=\"step\" value=\"2\""));
    assert!(change.body.contains("name=\"checking\" value=\"yes\""));
    // The language switch posts the answers along and shows the same step.
    let russian = press(&app, &change.body, "ru", &[], ("action", "stay")).await;
    assert_eq!(russian.status, 200);
    assert!(russian.body.contains("<html lang=\"ru\">"));
    assert!(russian.body.contains("Дата рождения ребёнка"));
    assert_eq!(
        input_value(&russian.body, "child_name").as_deref(),
        Some(CHILD)
    );
    assert_eq!(
        input_value(&russian.body, "language").as_deref(),
        Some("ru")
    );
    assert_eq!(
        input_value(&russian.body, "incident_2_description").as_deref(),
        Some("Тағы бір мем")
    );
    let changed = press(
        &app,
        &russian.body,
        "ru",
        &[("child_name", "Әсел Ержанқызы Болат")],
        ("action", "next"),
    )
    .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(
        changed.body.contains("Проверьте ответы"),
        "back to the check page"
    );
    assert!(changed.body.contains("<dd>Әсел Ержанқызы Болат</dd>"));
    let applied = send(&app, &changed.body, "ru", &[]).await;
    assert_eq!(applied.status, 201);
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let case = app.store.load_case(&case_id).await.unwrap().unwrap();
    let state = case.state().unwrap();
    assert_eq!(
        state.application.language.tag(),
        "ru",
        "the language sent in"
    );
    assert_eq!(
        state.application.child.name.as_deref(),
        Some("Әсел Ержанқызы Болат")
    );
}

#[tokio::test]
async fn each_step_in_three_languages_matches_its_snapshot() {
    let app = TestApp::spawn().await;
    for language in ["kk", "ru", "en"] {
        let pages = walk(&app, language).await;
        for (page, name) in pages.iter().zip(["2", "3", "4", "check"]) {
            assert!(!page.contains("<script"));
            check_labels(&format!("apply-step-{name}.{language}"), page);
            check_snapshot(&format!("apply-step-{name}.{language}"), page);
        }
    }
}

#[tokio::test]
async fn the_childs_age_is_judged_on_the_incidents_step_and_contact_on_its_own() {
    let app = TestApp::spawn().await;
    let first = app.get("/apply?lang=en", None).await.body;
    let second = press(&app, &first, "en", &STEP_1, ("action", "next")).await;
    // 18 on 2 December 2026, the day of the walk: not refused on the child's
    // step, since the incidents (asked next) may be from before the birthday.
    let third = press(
        &app,
        &second.body,
        "en",
        &[("child_name", CHILD), ("child_birth_date", "2008-11-22")],
        ("action", "next"),
    )
    .await;
    assert_eq!(third.status, 200, "{}", third.body);
    // Incidents when 17 and when 18: judged on the earliest, so admissible.
    let incidents = [
        ("resource_1", "https://t.me/school_memes_kz"),
        ("incident_1_date", "2026-11-25"),
        ("incident_2_date", "2026-11-20"),
    ];
    let fourth = press(&app, &third.body, "en", &incidents, ("action", "next")).await;
    assert_eq!(fourth.status, 200, "{}", fourth.body);
    // Both after the birthday: refused beside the earliest incident's date.
    let adult = press(
        &app,
        &third.body,
        "en",
        &[
            ("resource_1", "https://t.me/school_memes_kz"),
            ("incident_1_date", "2026-11-25"),
            ("incident_2_date", "2026-11-23"),
        ],
        ("action", "next"),
    )
    .await;
    assert_eq!(adult.status, 422);
    let summary = between(&adult.body, "class=\"error-summary\"", "</div>");
    assert!(summary.contains("href=\"#incident_2_date\""), "{summary}");
    assert!(summary.contains("18 years old"), "{summary}");
    // No way to answer: asked for on the contact step, in plain words.
    let no_contact = press(
        &app,
        &fourth.body,
        "en",
        &[("consent", "yes")],
        ("action", "next"),
    )
    .await;
    assert_eq!(no_contact.status, 422);
    let summary = between(&no_contact.body, "class=\"error-summary\"", "</div>");
    assert!(summary.contains("href=\"#email\""), "{summary}");
    assert!(
        summary.contains("e-mail address or a phone number"),
        "{summary}"
    );
    assert!(!summary.contains("consent"), "{summary}");
}
