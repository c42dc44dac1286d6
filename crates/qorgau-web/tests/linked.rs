//! Issue 7 over HTTP: automatic links at intake, the linked timeline
//! (`GET /api/v1/cases/{id}/timeline`, staff only), links and unlinks with
//! reasons, a chat export imported into a case, the referral and its package
//! (the HTML document and its PDF, read back with `pdftotext`); and the same
//! on the staff pages. A real server on port 0; the store is SQLite, or
//! PostgreSQL with `QORGAU_TEST_STORE=postgres`.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{TestApp, input_value, pdf_text};
use qorgau_domain::procedure::CaseEvent;
use qorgau_store::Store;
use qorgau_testkit::squeezed;
use serde_json::{Value, json};

const CHILD_IIN: &str = "130105500019";

fn application(resource: &str, actor: &str, day: &str, iin: Option<&str>) -> Value {
    json!({
        "language": "ru",
        "applicant": {"name": "Сәуле Серікова", "relation": "parent", "email": "parent@example.kz"},
        "child": {"name": "Айгерім Серікова", "birth_date": "2013-01-05", "iin": iin},
        "resources": [{"url": resource}],
        "incidents": [
            {"occurred_on": day, "resource_url": resource, "description": "пишет, что ждёт её у школы", "actor": actor}
        ]
    })
}

const CHAT: &str = "\
[25.11.2026 21:10] Stalker: почему ты меня заблокировала
[25.11.2026 21:12] Айгерім: отстань
[27.11.2026 08:05] Stalker: я знаю, где ты живёшь
";

#[tokio::test]
async fn the_linked_timeline_links_chats_and_the_referral_package_over_the_api() {
    let app = TestApp::spawn().await;
    let (first, _) = app
        .apply(application(
            "https://t.me/class_7a",
            "@stalker_one",
            "2026-11-20",
            Some(CHILD_IIN),
        ))
        .await;
    let (second, access_code) = app
        .apply(application(
            "https://instagram.com/stalker.two",
            "https://instagram.com/stalker.two",
            "2026-11-28",
            Some(CHILD_IIN),
        ))
        .await;
    let path = format!("/api/v1/cases/{second}/timeline");
    // The applicant is not told that someone else applied about the child.
    let status = app
        .get(
            &format!("/api/v1/applications/{second}"),
            Some(&access_code),
        )
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    assert!(!status.body.contains("cases_linked"), "{}", status.body);
    assert!(!status.body.contains(&first), "{}", status.body);

    // Staff only: nobody else learns that cases are linked.
    assert_eq!(app.get(&path, None).await.status, 401);
    assert_eq!(app.get(&path, Some("qgk_telegram")).await.status, 401);
    let expert = app.sign_in("e1").await;
    let reply = app.get(&format!("{path}?lang=en"), Some(&expert)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let timeline = reply.json();
    assert_eq!(timeline["cases"], json!([second, first]));
    assert_eq!(timeline["links"][0]["case_id"], json!(first));
    assert_eq!(timeline["links"][0]["automatic"], json!(true));
    assert_eq!(timeline["links"][0]["child_match"], json!("iin"));
    assert_eq!(timeline["entries"].as_array().unwrap().len(), 2);
    assert!(!reply.body.contains(CHILD_IIN), "{}", reply.body);

    // A chat export into the second case.
    let chat_path = format!(
        "/api/v1/cases/{second}/chats?format=text&sender=Stalker&platform=telegram&account=%40stalker_new"
    );
    let authorization = format!("Bearer {expert}");
    let headers = [
        ("Authorization", authorization.as_str()),
        ("Content-Type", "text/plain; charset=utf-8"),
    ];
    let reply = app.request("POST", &chat_path, &headers, Some(CHAT)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let imported = reply.json();
    assert_eq!(imported["messages"], json!(3));
    assert_eq!(imported["actor_messages"], json!(2));
    let wrong_sender = chat_path.replace("sender=Stalker", "sender=Nobody");
    let reply = app
        .request("POST", &wrong_sender, &headers, Some(CHAT))
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.json()["errors"][0]["field"], json!("sender"));

    let timeline = app
        .get(&format!("{path}?lang=en"), Some(&expert))
        .await
        .json();
    let sources: Vec<&str> = timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["incident", "chat", "chat", "incident"]);
    let indicators: Vec<&str> = timeline["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["indicator"].as_str().unwrap())
        .collect();
    // Three accounts, each its own person until an expert says otherwise:
    // none wrote on three days or on two channels, so nothing fires.
    assert_eq!(indicators, Vec::<&str>::new(), "{timeline}");
    assert_eq!(timeline["suggestion"], Value::Null);
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/actors/links"),
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "t.me/Stalker_New"},
                {"platform": "instagram", "account": "@stalker.two"}],
                "reason": "the same photo on both accounts"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let timeline = app
        .get(&format!("{path}?lang=en"), Some(&expert))
        .await
        .json();
    let indicators: Vec<&str> = timeline["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["indicator"].as_str().unwrap())
        .collect();
    // One person on two platforms and three days (25, 27 and 28 November).
    assert_eq!(indicators, ["repeated_contact", "cross_channel"]);
    let suggestion = &timeline["suggestion"];
    assert_eq!(suggestion["category"], json!("cyberstalking"));
    assert_eq!(suggestion["platforms"], json!(["telegram", "instagram"]));
    assert_eq!(
        suggestion["accounts"].as_array().unwrap().len(),
        2,
        "{suggestion}"
    );
    assert_eq!(timeline["suggestions"].as_array().unwrap().len(), 1);
    assert_eq!(timeline["actor_links"][0]["active"], json!(true));
    assert_eq!(timeline["actor_links"][0]["recorded_in"], json!(second));

    // Links need a reason; unlink, then link again by hand.
    let unlink = format!("/api/v1/cases/{first}/links/{second}/unlink");
    let reply = app
        .post(&unlink, Some(&expert), json!({"reason": " "}))
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert!(reply.json()["type"].as_str().is_some());
    let reply = app
        .post(&unlink, Some(&expert), json!({"reason": "another child"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recorded_in"], json!(second));
    let timeline = app.get(&path, Some(&expert)).await.json();
    assert_eq!(timeline["cases"], json!([second]));
    let reply = app
        .post(
            &format!("/api/v1/cases/{first}/links"),
            Some(&expert),
            json!({"other_case_id": second, "basis": "same_child", "reason": "the same girl after all"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let timeline = app.get(&path, Some(&expert)).await.json();
    assert_eq!(timeline["links"][0]["by"], json!("e1"));

    // Decided as cyberstalking, referred, and the package prepared in Kazakh.
    for name in ["e1", "e2", "chair"] {
        let token = app.sign_in(name).await;
        let reply = app
            .post(
                &format!("/api/v1/cases/{second}/votes"),
                Some(&token),
                json!({"vote": "confirm", "category": "cyberstalking", "reasons": "pursuit over two platforms"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let chair = app.sign_in("chair").await;
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/decision"),
            Some(&chair),
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let package_path = format!("/api/v1/cases/{second}/referral-package");
    let pdf_path = format!("/api/v1/cases/{second}/referral-package.pdf");
    let reply = app
        .post(&package_path, Some(&expert), json!({"language": "kk"}))
        .await;
    assert_eq!(reply.status, 409, "not referred yet: {}", reply.body);
    assert_eq!(
        app.get_bytes(&pdf_path, Some(&expert)).await.status,
        404,
        "no package prepared yet"
    );
    let coordinator = app.sign_in("coord").await;
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/referral"),
            Some(&coordinator),
            json!({"authority": "Алматы қаласының полиция департаменті"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = app
        .post(&package_path, Some(&expert), json!({"language": "kk"}))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let prepared = reply.json();
    let package = &prepared["package"];
    assert_eq!(package["linked_cases"], json!([first]));
    assert_eq!(package["timeline"].as_array().unwrap().len(), 4);
    let evidence = package["evidence"].as_array().unwrap();
    let chat = evidence
        .iter()
        .find(|item| item["evidence_id"] == imported["evidence_id"])
        .unwrap();
    assert_eq!(chat["digest"], imported["digest"]);
    assert!(chat["receipt"].is_object(), "{chat}");
    // The document itself is kept as evidence, verified when read back.
    let digest: qorgau_evidence::Sha256Digest =
        prepared["digest"].as_str().unwrap().parse().unwrap();
    let html = String::from_utf8(app.evidence.read(&digest).await.unwrap()).unwrap();
    assert!(html.contains("127-2"), "{html}");
    assert!(html.contains(&first), "{html}");
    assert!(html.contains("Қудалау белгілері"), "{html}");
    assert!(!html.contains(CHILD_IIN) && !html.contains("Айгерім Серікова"));

    // The same package as a PDF, kept beside it: staff only, like the package.
    for refused in [None, Some(access_code.as_str()), Some("qgk_telegram")] {
        let reply = app.get_bytes(&pdf_path, refused).await;
        assert_eq!(reply.status, 401, "{refused:?}");
        assert!(!reply.body.starts_with(b"%PDF-"));
    }
    // Nor does the applicant's own route hand it out: it is no evidence item.
    let reply = app
        .get(
            &format!("/api/v1/applications/{second}/evidence"),
            Some(&access_code),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let pdf_digest = prepared["pdf_digest"].as_str().unwrap().to_owned();
    assert!(pdf_digest.starts_with("sha256:"), "{prepared}");
    assert!(!reply.body.contains(&pdf_digest), "{}", reply.body);
    // Nor the HTML document: it holds the linked cases' timeline and evidence,
    // which may be other applicants' about other children.
    let html_id = prepared["evidence_id"].as_str().unwrap();
    assert!(!reply.body.contains(html_id), "{}", reply.body);
    assert!(
        !reply.body.contains(prepared["digest"].as_str().unwrap()),
        "{}",
        reply.body
    );
    let reply = app
        .get_bytes(
            &format!("/api/v1/applications/{second}/evidence/{html_id}"),
            Some(&access_code),
        )
        .await;
    assert_eq!(reply.status, 404);
    let reply = app
        .get_bytes(
            &format!("/api/v1/applications/{second}/evidence/{html_id}"),
            Some(&expert),
        )
        .await;
    assert_eq!(reply.status, 200, "staff still read the document");
    let reply = app.get_bytes(&pdf_path, Some(&expert)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with(b"%PDF-"));
    let pdf = reply.body;
    // What is served is the blob `referral_package_prepared` commits to.
    let stored_pdf = app
        .evidence
        .read(&pdf_digest.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored_pdf, pdf);
    let record = app.store.load_case(&second).await.unwrap().unwrap();
    let recorded = record.events.iter().find_map(|event| match event {
        CaseEvent::ReferralPackagePrepared { pdf_digest, .. } => pdf_digest.clone(),
        _ => None,
    });
    assert_eq!(recorded.as_deref(), Some(pdf_digest.as_str()));
    let evidence_id = prepared["evidence_id"].as_str().unwrap();
    let named = app
        .get_bytes(
            &format!("{pdf_path}?package={evidence_id}"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(named.status, 200);
    assert_eq!(named.body, pdf);
    let unknown = app
        .get_bytes(&format!("{pdf_path}?package=nothing"), Some(&expert))
        .await;
    assert_eq!(unknown.status, 404);
    if let Some(text) = pdf_text(&pdf) {
        for fact in [
            "Құқық қорғау органдарына арналған материалдар",
            "Қудалау белгілері",
            "127-2",
            second.as_str(),
            first.as_str(),
            imported["digest"].as_str().unwrap(),
            chat["digest"].as_str().unwrap(),
            // The electronic copy it summarizes: the HTML document.
            prepared["digest"].as_str().unwrap(),
            "Алматы қаласының полиция департаменті",
            "пишет, что ждёт её у школы",
        ] {
            assert!(
                text.to_lowercase()
                    .contains(&squeezed(&fact.to_lowercase())),
                "the PDF lacks {fact}: {text}"
            );
        }
        for person in [
            "Айгерім",
            "Серікова",
            "Сәуле",
            CHILD_IIN,
            "05.01.2013",
            "2013-01-05",
        ] {
            assert!(!text.contains(person), "the PDF names {person}: {text}");
        }
    }
}

#[tokio::test]
async fn the_case_page_shows_the_suggestion_and_the_linked_page_links_and_unlinks() {
    let app = TestApp::spawn().await;
    let (first, _) = app
        .apply(application(
            "https://t.me/class_7a",
            "@stalker_one",
            "2026-11-20",
            Some(CHILD_IIN),
        ))
        .await;
    let (second, _) = app
        .apply(application(
            "https://instagram.com/stalker.two",
            "https://instagram.com/stalker.two",
            "2026-11-24",
            Some(CHILD_IIN),
        ))
        .await;
    let mut spelled_otherwise = application(
        "https://vk.com/stalker3",
        "https://vk.com/stalker3",
        "2026-11-29",
        None,
    );
    spelled_otherwise["child"]["name"] = json!("Aigerim Serikova");
    let (third, _) = app.apply(spelled_otherwise).await;
    // Two days of contact; an expert records that the two accounts are one
    // person, so one actor wrote on two platforms.
    let token = app.sign_in("e1").await;
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/actors/links"),
            Some(&token),
            json!({"accounts": [
                {"platform": "telegram", "account": "@stalker_one"},
                {"platform": "instagram", "account": "@stalker.two"}],
                "reason": "the same person"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = app.page_session("e1").await;
    let case_page = app
        .get_with_cookie(&format!("/staff/cases/{second}?lang=ru"), &cookie)
        .await;
    assert_eq!(case_page.status, 200);
    assert!(
        case_page.body.contains("id=\"linked\""),
        "{}",
        case_page.body
    );
    assert!(
        case_page
            .body
            .contains("Повторяющиеся нежелательные контакты")
            || case_page.body.contains("Контакты на разных платформах"),
        "{}",
        case_page.body
    );
    let linked_path = format!("/staff/cases/{second}/linked?lang=en");
    let page = app.get_with_cookie(&linked_path, &cookie).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&first));
    let csrf = input_value(&page.body, "csrf").unwrap();

    // The third application named the child without the IIN and differently
    // enough not to match: the expert links it by hand, with a reason.
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/links?lang=en"),
            &[
                ("csrf", &csrf),
                ("other_case_id", &third),
                ("basis", "same_child"),
                ("reason", ""),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 409, "a reason is required");
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/links?lang=en"),
            &[
                ("csrf", &csrf),
                ("other_case_id", &third),
                ("basis", "same_child"),
                ("reason", "the mother confirmed it is her daughter"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let page = app.get_with_cookie(&linked_path, &cookie).await;
    assert!(
        page.body
            .contains("the mother confirmed it is her daughter")
    );
    // Without the CSRF token, nothing happens.
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/links/{third}/unlink?lang=en"),
            &[("reason", "mistake")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 403);
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/links/{third}/unlink?lang=en"),
            &[("csrf", &csrf), ("reason", "mistake")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303);
    let page = app
        .get_with_cookie(&format!("/staff/cases/{third}/linked?lang=en"), &cookie)
        .await;
    assert!(
        page.body.contains("unlinked by e1: mistake"),
        "{}",
        page.body
    );

    // A chat export uploaded on the page (multipart, with the CSRF token).
    let boundary = "qorgau-linked-boundary";
    let mut body = String::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("format", "text"),
        ("sender", "Stalker"),
        ("platform", "telegram"),
        ("account", "@stalker_new"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chat.txt\"\r\nContent-Type: text/plain\r\n\r\n{CHAT}\r\n--{boundary}--\r\n"
    ));
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let cookie_header = format!("qorgau_session={cookie}");
    let reply = app
        .request(
            "POST",
            &format!("/staff/cases/{second}/chats?lang=en"),
            &[
                ("Content-Type", content_type.as_str()),
                ("Cookie", cookie_header.as_str()),
            ],
            Some(&body),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let page = app.get_with_cookie(&linked_path, &cookie).await;
    assert!(page.body.contains("chat: 1 messages"), "{}", page.body);

    // Decided, referred (by the coordinator only), the package prepared from the page.
    for name in ["e1", "e2", "chair"] {
        let token = app.sign_in(name).await;
        let reply = app
            .post(
                &format!("/api/v1/cases/{second}/votes"),
                Some(&token),
                json!({"vote": "confirm", "category": "cyberstalking", "reasons": "pursuit"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let chair = app.sign_in("chair").await;
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/decision"),
            Some(&chair),
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let expert = app.sign_in("e1").await;
    let refer = format!("/api/v1/cases/{second}/referral");
    let reply = app
        .post(&refer, Some(&expert), json!({"authority": "police"}))
        .await;
    assert_eq!(
        reply.status, 403,
        "only the coordinator refers: {}",
        reply.body
    );
    let coordinator = app.sign_in("coord").await;
    let reply = app
        .post(&refer, Some(&coordinator), json!({"authority": "police"}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/referral?lang=en"),
            &[("csrf", &csrf), ("language", "ru")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let page = app.get_with_cookie(&linked_path, &cookie).await;
    assert!(page.body.contains("(ru)"), "{}", page.body);
    // The page links the package's PDF beside its document.
    let start = page.body.find("id=\"packages\"").unwrap();
    let link_start = page.body[start..]
        .find("/staff/cases/")
        .map(|offset| start + offset)
        .unwrap();
    let pdf_link = page.body[link_start..]
        .split('"')
        .find(|part| part.contains("referral-package.pdf"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no PDF link: {}", page.body));
    let pdf_link = pdf_link.replace("&amp;", "&");
    assert!(pdf_link.starts_with(&format!(
        "/staff/cases/{second}/referral-package.pdf?package="
    )));
    let reply = app.get_with_cookie(&pdf_link, &cookie).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/pdf"));
    assert!(reply.body.starts_with("%PDF-"));
    // Signed out, the page sends to the login instead.
    let reply = app.get(&pdf_link, None).await;
    assert_eq!(reply.status, 303);
    assert!(!reply.body.starts_with("%PDF-"));
    // In Russian, the package's language; the same bytes over the API.
    let pdf = app
        .get_bytes(
            &format!("/api/v1/cases/{second}/referral-package.pdf"),
            Some(&coordinator),
        )
        .await;
    assert_eq!(pdf.status, 200);
    if let Some(text) = pdf_text(&pdf.body) {
        for fact in [
            "Материалы для правоохранительных органов",
            "Признаки преследования",
            "ст. 127-2",
            second.as_str(),
        ] {
            assert!(
                text.contains(&squeezed(fact)),
                "the PDF lacks {fact}: {text}"
            );
        }
        assert!(!text.contains("Айгерім") && !text.contains("Aigerim"));
    }
}

/// The indicators that fired, by name.
fn indicators(timeline: &Value) -> Vec<String> {
    timeline["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["indicator"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn accounts_linked_as_one_person_and_blocks_are_staff_only_over_the_api_and_the_page() {
    let app = TestApp::spawn().await;
    let (first, _) = app
        .apply(application(
            "https://t.me/class_7a",
            "@stalker_one",
            "2026-11-20",
            Some(CHILD_IIN),
        ))
        .await;
    let (second, access_code) = app
        .apply(application(
            "https://instagram.com/stalker.two",
            "https://instagram.com/stalker.two",
            "2026-11-28",
            Some(CHILD_IIN),
        ))
        .await;
    let links = format!("/api/v1/cases/{second}/actors/links");
    let blocks = format!("/api/v1/cases/{second}/actors/blocks");
    let link_body = json!({"accounts": [
        {"platform": "telegram", "account": "@stalker_one"},
        {"platform": "instagram", "account": "https://instagram.com/stalker.two"}],
        "reason": "the parent recognized the writing"});
    let block_body = json!({"platform": "telegram", "account": "@stalker_one", "on": "2026-11-24"});

    // Staff only: not anonymous, not the applicant's code, not an owner's key.
    for bearer in [None, Some(access_code.as_str()), Some("qgk_telegram")] {
        assert_eq!(
            app.post(&links, bearer, link_body.clone()).await.status,
            401
        );
        assert_eq!(
            app.post(&blocks, bearer, block_body.clone()).await.status,
            401
        );
        assert_eq!(
            app.post(
                &format!("{links}/unlink"),
                bearer,
                json!({"accounts": ["a", "b"], "reason": "x"})
            )
            .await
            .status,
            401
        );
    }
    let expert = app.sign_in("e1").await;
    let timeline_path = format!("/api/v1/cases/{second}/timeline?lang=en");
    let before = app.get(&timeline_path, Some(&expert)).await.json();
    assert!(!indicators(&before).contains(&"cross_channel".to_owned()));
    assert!(!indicators(&before).contains(&"new_accounts_after_block".to_owned()));

    // Bad input: a reason, two accounts, a valid account and date.
    let mut no_reason = link_body.clone();
    no_reason["reason"] = json!(" ");
    let reply = app.post(&links, Some(&expert), no_reason).await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("reason_required"));
    let reply = app
        .post(
            &links,
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "@stalker_one"},
                {"platform": "telegram", "account": "t.me/stalker_one"}],
                "reason": "x"}),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("actors_same_account"));
    let reply = app
        .post(
            &links,
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "https://vk.com/stalker3"},
                {"platform": "instagram", "account": "@stalker.two"}],
                "reason": "x"}),
        )
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(
        reply.json()["errors"][0]["field"],
        json!("accounts[0].account")
    );
    let mut future = block_body.clone();
    future["on"] = json!("2099-01-01");
    let reply = app.post(&blocks, Some(&expert), future).await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("block_in_future"));
    let mut bad_date = block_body.clone();
    bad_date["on"] = json!("24.11.2026");
    let reply = app.post(&blocks, Some(&expert), bad_date).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.json()["errors"][0]["field"], json!("on"));

    // Linked as one person: one actor on two platforms.
    let reply = app.post(&links, Some(&expert), link_body.clone()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let keys = reply.json()["accounts"].clone();
    let linked = app.get(&timeline_path, Some(&expert)).await.json();
    assert!(
        indicators(&linked).contains(&"cross_channel".to_owned()),
        "{linked}"
    );
    let persons: Vec<&str> = linked["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["person"].as_str().unwrap())
        .collect();
    assert_eq!(persons[0], persons[1], "{linked}");
    // Blocked on the 24th: the Instagram account that starts on the 28th is new.
    let reply = app.post(&blocks, Some(&expert), block_body.clone()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let blocked = app.get(&timeline_path, Some(&expert)).await.json();
    assert!(
        indicators(&blocked).contains(&"new_accounts_after_block".to_owned()),
        "{blocked}"
    );
    let sources: Vec<&str> = blocked["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["incident", "block", "incident"]);

    // The applicant sees neither the links nor the blocks.
    let status = app
        .get(
            &format!("/api/v1/applications/{second}"),
            Some(&access_code),
        )
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    for hidden in ["actors_linked", "account_blocked", "stalker_one", &first] {
        assert!(!status.body.contains(hidden), "{hidden}: {}", status.body);
    }

    // Unlinked from the earlier case's API: recorded where the link is.
    let reply = app
        .post(
            &format!("/api/v1/cases/{first}/actors/links/unlink"),
            Some(&expert),
            json!({"accounts": keys, "reason": "two different people after all"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recorded_in"], json!(second));
    let unlinked = app.get(&timeline_path, Some(&expert)).await.json();
    assert!(!indicators(&unlinked).contains(&"cross_channel".to_owned()));
    let reply = app
        .post(
            &format!("{links}/unlink"),
            Some(&expert),
            json!({"accounts": keys, "reason": "twice"}),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("actors_not_linked"));

    // The page: forms with the CSRF token; a reason is required.
    let cookie = app.page_session("e1").await;
    let page_path = format!("/staff/cases/{second}/linked?lang=en");
    let page = app.get_with_cookie(&page_path, &cookie).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"link-actors\""), "{}", page.body);
    assert!(page.body.contains("id=\"record-block\""), "{}", page.body);
    assert!(
        page.body.contains("two different people after all"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("blocked by the child (recorded by e1)"),
        "{}",
        page.body
    );
    let csrf = input_value(&page.body, "csrf").unwrap();
    let form_link = format!("/staff/cases/{second}/actors/links?lang=en");
    let fields = |csrf: &str, reason: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("platform_first".to_owned(), "telegram".to_owned()),
            ("account_first".to_owned(), "@stalker_one".to_owned()),
            ("platform_second".to_owned(), "instagram".to_owned()),
            ("account_second".to_owned(), "@stalker.two".to_owned()),
            ("reason".to_owned(), reason.to_owned()),
        ]
    };
    let without_token = fields("wrong", "same person");
    let reply = app
        .post_form(&form_link, &as_refs(&without_token), Some(&cookie))
        .await;
    assert_eq!(reply.status, 403);
    let no_reason = fields(&csrf, "");
    let reply = app
        .post_form(&form_link, &as_refs(&no_reason), Some(&cookie))
        .await;
    assert_eq!(reply.status, 409, "a reason is required");
    let good = fields(&csrf, "he admitted both accounts");
    let reply = app
        .post_form(&form_link, &as_refs(&good), Some(&cookie))
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/actors/blocks?lang=en"),
            &[
                ("csrf", &csrf),
                ("platform", "instagram"),
                ("account", "@stalker.two"),
                ("on", "2026-11-28"),
                ("reported", "yes"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let page = app.get_with_cookie(&page_path, &cookie).await;
    assert!(
        page.body.contains("he admitted both accounts"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("reported to the platform (recorded by e1)"),
        "{}",
        page.body
    );
    let json_keys: Vec<String> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key.as_str().unwrap().to_owned())
        .collect();
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/actors/links/unlink?lang=en"),
            &[
                ("csrf", &csrf),
                ("first", &json_keys[0]),
                ("second", &json_keys[1]),
                ("reason", "mistake"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let page = app.get_with_cookie(&page_path, &cookie).await;
    assert!(
        page.body.contains("unlinked by e1: mistake"),
        "{}",
        page.body
    );
}

fn as_refs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect()
}

/// The text between `start` (its first occurrence) and the next `end`.
fn section<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Issue 7's "done when": an expert opening the new case sees, without
/// searching, that one person pursued the child on two platforms for three
/// weeks, with the messages that show it, and sends a referral package.
#[tokio::test]
async fn the_new_case_page_shows_one_persons_pursuit_with_its_messages_and_the_package_follows() {
    let app = TestApp::spawn().await;
    // Three weeks earlier, on Telegram; the parent applied then.
    let mut earlier = application(
        "https://t.me/class_7a",
        "@pursuer_kz",
        "2026-11-05",
        Some(CHILD_IIN),
    );
    earlier["incidents"][0]["description"] = json!("пишет ей каждый вечер, требует ответа");
    let (first, _) = app.apply(earlier).await;
    // The new case, on Instagram; and a classmate's insult the same day,
    // which is the child's history but not the pursuer's.
    let mut new_case = application(
        "https://instagram.com/pursuer.kz",
        "https://instagram.com/pursuer.kz",
        "2026-11-26",
        Some(CHILD_IIN),
    );
    new_case["resources"]
        .as_array_mut()
        .unwrap()
        .push(json!({"url": "https://instagram.com/classmate.one"}));
    new_case["incidents"][0]["description"] = json!("новый аккаунт, пишет, что она не спрячется");
    new_case["incidents"]
        .as_array_mut()
        .unwrap()
        .push(json!({"occurred_on": "2026-11-26", "resource_url": "https://instagram.com/classmate.one",
            "description": "одноклассник обозвал её", "actor": "https://instagram.com/classmate.one"}));
    let (second, _) = app.apply(new_case).await;
    let expert = app.sign_in("e1").await;

    // The parent's WhatsApp export of the Telegram conversation (the same
    // account as in the first case), imported into the new case.
    let chat = "\
08.11.2026, 21:10 - Pursuer: почему ты не отвечаешь
08.11.2026, 21:12 - Айгерім: отстань от меня
12.11.2026, 22:40 - Pursuer: я знаю где ты живешь
и где твоя школа
12.11.2026, 22:41 - Pursuer: <Без медиафайлов>
";
    let authorization = format!("Bearer {expert}");
    let reply = app
        .request(
            "POST",
            &format!(
                "/api/v1/cases/{second}/chats?format=whatsapp&sender=Pursuer&platform=telegram&account=%40pursuer_kz"
            ),
            &[
                ("Authorization", authorization.as_str()),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
            Some(chat),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let evidence_id = reply.json()["evidence_id"].as_str().unwrap().to_owned();
    // The expert records that the Telegram and Instagram accounts are one
    // person (the same photo, the same phrases).
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/actors/links"),
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "@pursuer_kz"},
                {"platform": "instagram", "account": "https://instagram.com/pursuer.kz"}],
                "reason": "the same photo and the same phrases on both accounts"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let keys: Vec<String> = reply.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key.as_str().unwrap().to_owned())
        .collect();
    let key_on = |platform: &str| {
        keys.iter()
            .find(|key| key.starts_with(platform))
            .unwrap_or_else(|| panic!("{keys:?}"))
            .clone()
    };
    let (instagram, telegram) = (key_on("instagram:"), key_on("telegram:"));

    // The new case's page, nothing searched for.
    let cookie = app.page_session("e1").await;
    let page = app
        .get_with_cookie(&format!("/staff/cases/{second}?lang=ru"), &cookie)
        .await;
    assert_eq!(page.status, 200);
    let suggestion = section(&page.body, "id=\"suggestion\"", "</section>");
    // The person, both platforms and the span (5 to 26 November: 21 days).
    assert!(
        suggestion.contains(&format!(
            "Один человек — {instagram} (аккаунты: {instagram}, {telegram}) — обращался к ребёнку на платформах: telegram, instagram; период: 2026-11-05 – 2026-11-26 (дней: 21)"
        )),
        "{suggestion}"
    );
    assert!(
        suggestion.contains("Повторяющиеся нежелательные контакты"),
        "{suggestion}"
    );
    assert!(
        suggestion.contains("Контакты на разных платформах"),
        "{suggestion}"
    );
    // What it rests on, with its text: both incidents of the person, and
    // the actor's messages read back from the stored export.
    assert!(
        suggestion.contains("пишет ей каждый вечер, требует ответа"),
        "{suggestion}"
    );
    assert!(suggestion.contains(&first), "{suggestion}");
    assert!(
        suggestion.contains("новый аккаунт, пишет, что она не спрячется"),
        "{suggestion}"
    );
    assert!(
        suggestion.contains("2026-11-08 21:10 · Pursuer</small><br>почему ты не отвечаешь"),
        "{suggestion}"
    );
    // The tracking message, its lexicon match highlighted and named.
    let tracking = "я знаю где ты живешь\nи где твоя школа";
    let found = qorgau_chat::signals::Lexicon::embedded()
        .unwrap()
        .find(tracking);
    let signal = found.first().expect("the lexicon knows the phrase");
    assert!(
        suggestion.contains(&format!(
            "<mark title=\"{}\">{}</mark><small class=\"signal\">[{}]</small>",
            signal.source(),
            signal.matched(tracking),
            signal.source()
        )),
        "{suggestion}"
    );
    assert!(suggestion.contains("и где твоя школа"), "{suggestion}");
    assert!(
        suggestion.contains("2026-11-12 22:41 · Pursuer</small><br> <em>[omitted]</em>"),
        "{suggestion}"
    );
    // Not the classmate, not the child's own words.
    assert!(!suggestion.contains("одноклассник"), "{suggestion}");
    assert!(!page.body.contains("отстань от меня"), "{}", page.body);

    // The linked page lists the chat's messages of the actor too, and the
    // lexicon's monitoring sign as a proposal until an expert confirms it.
    let linked = app
        .get_with_cookie(&format!("/staff/cases/{second}/linked?lang=en"), &cookie)
        .await;
    let chat_section = section(
        &linked.body,
        &format!("id=\"chat-{evidence_id}\""),
        "</section>",
    );
    assert!(
        chat_section.contains("Messages of Pursuer"),
        "{chat_section}"
    );
    assert_eq!(chat_section.matches("class=\"chat-message\"").count(), 3);
    assert!(!chat_section.contains("отстань"), "{chat_section}");
    assert!(
        linked
            .body
            .contains("proposed by the lexicons, not confirmed: monitoring or tracking"),
        "{}",
        linked.body
    );

    // The expert confirms the proposed sign on the chat day, with a reason
    // (and the CSRF token); now it counts.
    let chat_day = format!("{second} chat {evidence_id} message 3");
    let csrf = input_value(&linked.body, "csrf").unwrap();
    let signs = format!("/staff/cases/{second}/signs?lang=en");
    let sign_form = |csrf: &str, reason: &str| {
        vec![
            ("csrf".to_owned(), csrf.to_owned()),
            ("entry".to_owned(), chat_day.clone()),
            ("sign".to_owned(), "monitoring".to_owned()),
            ("reason".to_owned(), reason.to_owned()),
            ("action".to_owned(), "confirm".to_owned()),
        ]
    };
    let reply = app
        .post_form(&signs, &as_refs(&sign_form("wrong", "x")), Some(&cookie))
        .await;
    assert_eq!(reply.status, 403);
    let reply = app
        .post_form(&signs, &as_refs(&sign_form(&csrf, " ")), Some(&cookie))
        .await;
    assert_eq!(reply.status, 409, "a reason is required");
    let reply = app
        .post_form(
            &signs,
            &as_refs(&sign_form(&csrf, "he names where she lives and her school")),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let timeline = app
        .get(
            &format!("/api/v1/cases/{second}/timeline?lang=en"),
            Some(&expert),
        )
        .await
        .json();
    assert_eq!(
        indicators(&timeline),
        ["repeated_contact", "cross_channel", "monitoring"]
    );
    let linked = app
        .get_with_cookie(&format!("/staff/cases/{second}/linked?lang=en"), &cookie)
        .await;
    assert!(
        linked.body.contains(&format!(
            "monitoring or tracking on {chat_day}: confirmed by e1: he names where she lives and her school"
        )),
        "{}",
        linked.body
    );

    // Decided, referred, and the package prepared in Russian from the page.
    for name in ["e1", "e2", "chair"] {
        let token = app.sign_in(name).await;
        let reply = app
            .post(
                &format!("/api/v1/cases/{second}/votes"),
                Some(&token),
                json!({"vote": "confirm", "category": "cyberstalking", "reasons": "one person, two platforms, three weeks"}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let chair = app.sign_in("chair").await;
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/decision"),
            Some(&chair),
            json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let coordinator = app.sign_in("coord").await;
    let reply = app
        .post(
            &format!("/api/v1/cases/{second}/referral"),
            Some(&coordinator),
            json!({"authority": "Департамент полиции города Алматы"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let csrf = input_value(&page.body, "csrf")
        .or_else(|| input_value(&linked.body, "csrf"))
        .unwrap();
    let reply = app
        .post_form(
            &format!("/staff/cases/{second}/referral?lang=ru"),
            &[("csrf", &csrf), ("language", "ru")],
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let record = app.store.load_case(&second).await.unwrap().unwrap();
    let prepared: Vec<(String, Vec<String>, String)> = record
        .events
        .iter()
        .filter_map(|event| match event {
            CaseEvent::ReferralPackagePrepared {
                language,
                linked_cases,
                by,
                ..
            } => Some((language.tag().to_owned(), linked_cases.clone(), by.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        prepared,
        [("ru".to_owned(), vec![first.clone()], "e1".to_owned())]
    );
}

/// A long export does not blow up the page: the first messages of the actor
/// are shown, with how many there are; the child's are never shown.
#[tokio::test]
async fn a_long_chat_shows_the_first_messages_of_the_actor_and_counts_the_rest() {
    let app = TestApp::spawn().await;
    let (case_id, _) = app
        .apply(application(
            "https://t.me/class_7a",
            "@pursuer_kz",
            "2026-11-20",
            Some(CHILD_IIN),
        ))
        .await;
    let mut chat = String::new();
    for number in 0..120 {
        let (day, minute) = (1 + number / 60, number % 60);
        chat.push_str(&format!(
            "[{day:02}.11.2026 21:{minute:02}] Pursuer: сообщение номер {number}\n[{day:02}.11.2026 21:{minute:02}] Айгерім: ответ {number}\n"
        ));
    }
    let expert = app.sign_in("e1").await;
    let authorization = format!("Bearer {expert}");
    let reply = app
        .request(
            "POST",
            &format!(
                "/api/v1/cases/{case_id}/chats?format=text&sender=Pursuer&platform=telegram&account=%40pursuer_kz"
            ),
            &[
                ("Authorization", authorization.as_str()),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
            Some(&chat),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let evidence_id = reply.json()["evidence_id"].as_str().unwrap().to_owned();
    let cookie = app.page_session("e1").await;
    let page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}/linked?lang=en"), &cookie)
        .await;
    assert_eq!(page.status, 200);
    let shown = section(
        &page.body,
        &format!("id=\"chat-{evidence_id}\""),
        "</section>",
    );
    assert_eq!(
        shown.matches("class=\"chat-message\"").count(),
        qorgau_app::linked::SHOWN_CHAT_MESSAGES
    );
    assert!(shown.contains("сообщение номер 49<"), "{shown}");
    assert!(!shown.contains("сообщение номер 50<"), "{shown}");
    assert!(
        shown.contains("Shown: 50 of 120 messages of the actor"),
        "{shown}"
    );
    assert!(!shown.contains("ответ"), "{shown}");
}

/// A sign the lexicons propose counts only once an expert confirms it, with
/// a reason, over the API too; staff only, never shown to the applicant.
#[tokio::test]
async fn a_proposed_sign_counts_only_once_confirmed_and_only_staff_confirm_it() {
    let app = TestApp::spawn().await;
    let mut form = application(
        "https://t.me/class_7a",
        "@stalker_one",
        "2026-11-20",
        Some(CHILD_IIN),
    );
    form["incidents"][0]["description"] = json!("пишет ей: «жду тебя у школы»");
    let (case_id, access_code) = app.apply(form).await;
    let entry = format!("{case_id} incident 1");
    let path = format!("/api/v1/cases/{case_id}/signs");
    let body = |sign: &str, reason: &str, withdraw: bool| json!({"entry": entry, "sign": sign, "reason": reason, "withdraw": withdraw});
    for bearer in [None, Some(access_code.as_str()), Some("qgk_telegram")] {
        let reply = app.post(&path, bearer, body("offline", "r", false)).await;
        assert_eq!(reply.status, 401, "{bearer:?}");
    }
    let expert = app.sign_in("e1").await;
    let timeline_path = format!("/api/v1/cases/{case_id}/timeline?lang=en");
    let before = app.get(&timeline_path, Some(&expert)).await.json();
    // «жду тебя у школы»: proposed, not counted.
    assert_eq!(before["entries"][0]["unconfirmed"], json!(["offline"]));
    assert_eq!(before["entries"][0]["offline"], json!(false));
    assert_eq!(indicators(&before), Vec::<String>::new());

    let reply = app
        .post(&path, Some(&expert), body("weather", "r", false))
        .await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.json()["errors"][0]["field"], json!("sign"));
    let mut unknown = body("offline", "r", false);
    unknown["entry"] = json!(format!("{case_id} incident 9"));
    let reply = app.post(&path, Some(&expert), unknown).await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("unknown_entry"));
    let reply = app
        .post(&path, Some(&expert), body("offline", " ", false))
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("reason_required"));

    let reply = app
        .post(
            &path,
            Some(&expert),
            body("offline", "he waits for her at the school gate", false),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recorded"], json!(["sign_confirmed"]));
    let confirmed = app.get(&timeline_path, Some(&expert)).await.json();
    assert_eq!(confirmed["entries"][0]["offline"], json!(true));
    assert_eq!(confirmed["entries"][0]["unconfirmed"], json!([]));
    assert_eq!(indicators(&confirmed), ["offline_spill"]);
    let reply = app
        .post(&path, Some(&expert), body("offline", "again", false))
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);
    assert_eq!(reply.json()["code"], json!("sign_already_confirmed"));

    // Withdrawn, with a reason: it no longer counts.
    let reply = app
        .post(
            &path,
            Some(&expert),
            body("offline", "the school is the classmates' too", true),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recorded"], json!(["sign_withdrawn"]));
    let withdrawn = app.get(&timeline_path, Some(&expert)).await.json();
    assert_eq!(indicators(&withdrawn), Vec::<String>::new());

    let status = app
        .get(
            &format!("/api/v1/applications/{case_id}"),
            Some(&access_code),
        )
        .await;
    assert_eq!(status.status, 200, "{}", status.body);
    for hidden in ["sign_confirmed", "sign_withdrawn", "school gate"] {
        assert!(!status.body.contains(hidden), "{hidden}: {}", status.body);
    }
}

/// The person each account of the timeline is, by account key.
fn persons(timeline: &Value) -> std::collections::BTreeMap<String, String> {
    timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| {
            Some((
                entry["account"].as_str()?.to_owned(),
                entry["person"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn accounts_linked_in_one_childs_case_are_one_person_in_another_childs() {
    let app = TestApp::spawn().await;
    // Another child's case names the Telegram account by its export id.
    let (other_child, _) = app
        .apply(json!({
            "language": "ru",
            "applicant": {"name": "Марат Оспанов", "relation": "parent", "email": "marat@example.kz"},
            "child": {"name": "Асан Оспанов", "birth_date": "2012-03-04"},
            "resources": [{"url": "https://t.me/class_5a"}],
            "incidents": [{"occurred_on": "2026-11-18", "resource_url": "https://t.me/class_5a",
                "description": "угрожает", "actor": "user777"}]
        }))
        .await;
    // This child's case: the same account as a deep link, and an Instagram
    // account on the next day.
    let (case_id, _) = app
        .apply(json!({
            "language": "ru",
            "applicant": {"name": "Сәуле Серікова", "relation": "parent", "email": "parent@example.kz"},
            "child": {"name": "Айгерім Серікова", "birth_date": "2013-01-05", "iin": CHILD_IIN},
            "resources": [{"url": "https://t.me/class_7b"}, {"url": "https://instagram.com/ghost.ig"}],
            "incidents": [
                {"occurred_on": "2026-11-24", "resource_url": "https://t.me/class_7b",
                    "description": "пишет ночью", "actor": "tg://user?id=777"},
                {"occurred_on": "2026-11-25", "resource_url": "https://instagram.com/ghost.ig",
                    "description": "пишет снова", "actor": "@ghost.ig"}
            ]
        }))
        .await;
    let expert = app.sign_in("e1").await;
    let timeline_path = format!("/api/v1/cases/{case_id}/timeline");
    let timeline = app.get(&timeline_path, Some(&expert)).await.json();
    // One account written two ways: linked at intake, but about another child,
    // so the other case's incidents stay out of this child's timeline.
    assert_eq!(timeline["links"][0]["case_id"], json!(other_child));
    assert_eq!(timeline["links"][0]["basis"], json!("same_actor"));
    assert_eq!(timeline["cases"], json!([case_id]));
    let (telegram, instagram) = ("telegram:account:777", "instagram:account:ghost.ig");
    let before = persons(&timeline);
    assert_eq!(before[telegram], telegram);
    assert_eq!(before[instagram], instagram);
    assert!(!indicators(&timeline).contains(&"cross_channel".to_owned()));
    assert_eq!(timeline["actor_links"], json!([]));

    // The expert links the two accounts on the other child's case.
    let reply = app
        .post(
            &format!("/api/v1/cases/{other_child}/actors/links"),
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "user777"},
                {"platform": "instagram", "account": "@ghost.ig"}],
                "reason": "the same phone number on both accounts"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recorded_in"], json!(other_child));
    // This child's timeline sees one person, and says where the link is.
    let timeline = app.get(&timeline_path, Some(&expert)).await.json();
    let after = persons(&timeline);
    assert_eq!(after[telegram], after[instagram], "{timeline}");
    assert!(
        indicators(&timeline).contains(&"cross_channel".to_owned()),
        "{timeline}"
    );
    assert_eq!(
        timeline["actor_links"][0]["recorded_in"],
        json!(other_child)
    );
    assert_eq!(timeline["actor_links"][0]["active"], json!(true));
    assert_eq!(
        timeline["actor_links"][0]["reason"],
        json!("the same phone number on both accounts")
    );
    // Already one person everywhere: linking again from here is refused.
    let reply = app
        .post(
            &format!("/api/v1/cases/{case_id}/actors/links"),
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "tg://user?id=777"},
                {"platform": "instagram", "account": "instagram.com/Ghost.IG"}],
                "reason": "again"}),
        )
        .await;
    assert_eq!(reply.status, 409, "{}", reply.body);

    // Undone from this child's page: recorded in the case that holds it,
    // and two people again here too.
    let reply = app
        .post(
            &format!("/api/v1/cases/{case_id}/actors/links/unlink"),
            Some(&expert),
            json!({"accounts": [instagram, telegram], "reason": "two people after all"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recorded_in"], json!(other_child));
    let timeline = app.get(&timeline_path, Some(&expert)).await.json();
    assert_eq!(persons(&timeline), before);
    assert!(!indicators(&timeline).contains(&"cross_channel".to_owned()));
    assert_eq!(timeline["actor_links"][0]["active"], json!(false));

    // Linked again here, later: one person again, held by this case.
    let reply = app
        .post(
            &format!("/api/v1/cases/{case_id}/actors/links"),
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "123"},
                {"platform": "instagram", "account": "@ghost.ig"}],
                "reason": "checking the 123 account"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let timeline = app.get(&timeline_path, Some(&expert)).await.json();
    assert_eq!(persons(&timeline), before, "another id is another account");
    let reply = app
        .post(
            &format!("/api/v1/cases/{case_id}/actors/links"),
            Some(&expert),
            json!({"accounts": [
                {"platform": "telegram", "account": "777"},
                {"platform": "instagram", "account": "@ghost.ig"}],
                "reason": "confirmed by the platform"}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let timeline = app.get(&timeline_path, Some(&expert)).await.json();
    let again = persons(&timeline);
    assert_eq!(again[telegram], again[instagram]);

    // The account's own record, for staff: both children's cases by number,
    // how the account figures, the link with its reason and where it is held.
    let actor_path = format!("/api/v1/actors/{telegram}");
    let record = app
        .get(&format!("{actor_path}?lang=en"), Some(&expert))
        .await;
    assert_eq!(record.status, 200, "{}", record.body);
    let record = record.json();
    let cases: Vec<&str> = record["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["case_id"].as_str().unwrap())
        .collect();
    assert_eq!(cases, [case_id.as_str(), other_child.as_str()]);
    assert_eq!(record["cases"][0]["roles"], json!(["incident"]));
    assert_eq!(
        record["cases"][0]["timeline"],
        json!(format!("/api/v1/cases/{case_id}/timeline"))
    );
    // 123 and 777 are each linked to the Instagram account: one person of three.
    let person = json!([instagram, "telegram:account:123", telegram]);
    assert_eq!(record["person"], person);
    let links = record["links"].as_array().unwrap();
    assert_eq!(links.len(), 2, "{record}");
    let own = links
        .iter()
        .find(|link| link["accounts"] == json!([instagram, telegram]))
        .unwrap();
    assert_eq!(own["recorded_in"], json!(case_id));
    assert_eq!(own["reason"], json!("confirmed by the platform"));
    assert_eq!(own["by"], json!("e1"));
    // Never a child's data.
    for hidden in ["Айгерім", "Асан", CHILD_IIN, "parent@example.kz"] {
        assert!(!record.to_string().contains(hidden), "{record}");
    }
    // The other account's record shows the same person.
    let other = app
        .get(&format!("/api/v1/actors/{instagram}"), Some(&expert))
        .await
        .json();
    assert_eq!(other["person"], person);
    assert_eq!(other["cases"].as_array().unwrap().len(), 1);
    // An account no case names and no link ever did: 404. Staff only.
    assert_eq!(
        app.get("/api/v1/actors/telegram:account:1", Some(&expert))
            .await
            .status,
        404
    );
    assert_eq!(app.get(&actor_path, None).await.status, 401);

    // The page: linked from the timeline's account names, listing the cases
    // with their timelines and the other account of the person.
    let cookie = app.page_session("e1").await;
    let timeline_page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}/linked?lang=en"), &cookie)
        .await;
    assert_eq!(timeline_page.status, 200);
    assert!(
        timeline_page
            .body
            .contains(&format!("href=\"/staff/actors/{telegram}?lang=en\"")),
        "{}",
        timeline_page.body
    );
    let page = app
        .get_with_cookie(&format!("/staff/actors/{telegram}?lang=ru"), &cookie)
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Дела, в которых назван этот аккаунт"));
    assert!(page.body.contains("автор эпизода"));
    assert!(
        page.body
            .contains(&format!("/staff/cases/{other_child}/linked?lang=ru"))
    );
    assert!(
        page.body
            .contains(&format!("/staff/actors/{instagram}?lang=ru"))
    );
    assert!(page.body.contains("confirmed by the platform"));
    for hidden in ["Айгерім", "Асан", CHILD_IIN] {
        assert!(!page.body.contains(hidden));
    }
    assert_eq!(
        app.get_with_cookie("/staff/actors/telegram:account:1", &cookie)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn an_account_whose_key_holds_a_slash_has_its_page() {
    let app = TestApp::spawn().await;
    // A private channel's key is `telegram:channel:c/1234567890`.
    let (case_id, _) = app
        .apply(application(
            "https://t.me/class_9v",
            "https://t.me/c/1234567890",
            "2026-11-20",
            None,
        ))
        .await;
    let expert = app.sign_in("e1").await;
    let record = app
        .get(
            "/api/v1/actors/telegram:channel:c%2F1234567890",
            Some(&expert),
        )
        .await;
    assert_eq!(record.status, 200, "{}", record.body);
    assert_eq!(record.json()["cases"][0]["case_id"], json!(case_id));
    let cookie = app.page_session("e1").await;
    let timeline_page = app
        .get_with_cookie(&format!("/staff/cases/{case_id}/linked?lang=kk"), &cookie)
        .await;
    let href = "/staff/actors/telegram:channel:c%2F1234567890?lang=kk";
    assert!(timeline_page.body.contains(href), "{}", timeline_page.body);
    let page = app.get_with_cookie(href, &cookie).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Осы аккаунт аталған істер"));
}
