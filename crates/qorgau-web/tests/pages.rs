//! The pages over real HTTP: what a parent and the staff see, in three languages.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{TestApp, input_value, session_cookie};
use qorgau_store::Store;

/// Compares a page with its reviewed snapshot in `tests/snapshots/`.
/// `QORGAU_UPDATE_SNAPSHOTS=1` rewrites them (review the diff before committing).
fn check_snapshot(name: &str, html: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.html"));
    if std::env::var("QORGAU_UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, html).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with QORGAU_UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert!(
        expected == html,
        "{name} differs from its snapshot {}; if the change is intended, update it with QORGAU_UPDATE_SNAPSHOTS=1 and review the diff",
        path.display()
    );
}

/// Every form control has a label that points at it.
fn check_labels(name: &str, html: &str) {
    for chunk in html
        .split("<input")
        .skip(1)
        .chain(html.split("<textarea").skip(1))
        .chain(html.split("<select").skip(1))
    {
        let tag = &chunk[..chunk.find('>').unwrap()];
        if tag.contains("type=\"hidden\"") {
            continue;
        }
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{name}: a control without id: {tag}"));
        assert!(
            html.contains(&format!("for=\"{id}\"")),
            "{name}: no label for {id}"
        );
    }
}

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

/// A valid 1×1 PNG: signature, IHDR, IDAT (zlib of one filter byte and one
/// grey pixel), IEND, with their CRCs.
fn tiny_png() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    // zlib stored block: header, final block of 2 bytes (filter 0, pixel 0x80), adler32.
    chunk(
        &mut png,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x80, 0x00, 0x83, 0x00, 0x81,
        ],
    );
    chunk(&mut png, b"IEND", &[]);
    png
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
