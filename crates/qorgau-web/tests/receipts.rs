//! The applicant's evidence and receipts on the tracking page (issue 4,
//! item 5): a case filed on the form with a file attached and a URL the
//! worker captures from a local site lists both on the tracked page; each
//! item's receipt downloads as the API's JSON, byte for byte, and verifies
//! under the log's public key; the receipt page tells it in words, in the
//! application's language; a wrong code gets `/track`'s answer and no
//! receipt; the access code and the child are in no URL.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{Reply, TestApp, check_labels, check_snapshot, stable, tiny_png};
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::checkpoint::VerifierKey;
use qorgau_evidence::receipt::verify_receipt;
use qorgau_store::{EvidenceRow, Store};

const PAGE: &str = "<!doctype html><html><head><meta charset=utf-8><title>Пост</title></head>\
    <body><article><p>Сен ешкімге керек емессің, барлығы сенен күледі.</p></article></body></html>";

/// The reported page's address, fetched from the test's own site.
const URL: &str = "https://evidence.test/posts/42";

const CHILD: &str = "Әсел Ержанқызы";
const APPLICANT: &str = "Ержан Болатұлы";

/// A site on 127.0.0.1:0 answering every path with the post; the worker
/// fetches `https://evidence.test/` from it.
async fn site() -> (String, String) {
    let address = qorgau_testkit::site::one_page_site(PAGE).await;
    (
        "https://evidence.test/".to_owned(),
        format!("http://127.0.0.1:{}/", address.port()),
    )
}

/// Files the form in `language`, naming `URL` and attaching a PNG; returns
/// the case number and the access code.
async fn file(app: &TestApp, language: &str) -> (String, String) {
    let fields = [
        ("language", language),
        ("applicant_name", APPLICANT),
        ("relation", "parent"),
        ("child_name", CHILD),
        ("child_birth_date", "2011-09-02"),
        ("resource_1", URL),
        ("incident_1_date", "2026-11-20"),
        ("incident_1_resource", URL),
        ("incident_2_date", "2026-11-24"),
        ("email", "erzhan@example.kz"),
        ("consent", "yes"),
    ];
    let applied = app
        .post_multipart(
            &format!("/apply?lang={language}"),
            &fields,
            &[("evidence", "Әсел-скриншот.png", "image/png", &tiny_png())],
        )
        .await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    (
        between(&applied.body, "id=\"case-id\">", "<"),
        between(&applied.body, "id=\"access-code\">", "<"),
    )
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {text}"))
        + start.len();
    text[from..from + text[from..].find(end).unwrap()].to_owned()
}

/// The case's evidence rows once the worker has captured the URL: the upload
/// first, then the capture.
async fn captured(app: &TestApp, case_id: &str) -> Vec<EvidenceRow> {
    for _ in 0..500 {
        let rows = app.store.case_evidence(case_id).await.unwrap();
        if rows
            .iter()
            .any(|row| row.kind == "capture" && row.status == "ok")
        {
            assert_eq!(rows.len(), 2, "{rows:?}");
            assert_eq!(rows[0].kind, "upload");
            assert_eq!(rows[1].kind, "capture");
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the worker did not capture {URL}");
}

async fn public_key(app: &TestApp) -> VerifierKey {
    let reply = app.get("/api/v1/log/public-key", None).await;
    assert_eq!(reply.status, 200);
    reply.body.trim().parse().unwrap()
}

/// Posts one of the receipt forms as the tracked page's button would.
async fn receipt_form(
    app: &TestApp,
    route: &str,
    case_id: &str,
    code: &str,
    evidence_id: &str,
) -> Reply {
    app.post_form(
        &format!("{route}?lang=en"),
        &[
            ("case_id", case_id),
            ("access_code", code),
            ("evidence_id", evidence_id),
        ],
        None,
    )
    .await
}

/// The access code and the child are in no header (`Location`,
/// `Content-Disposition`, …) and in no URL of the page (`action`,
/// `formaction`, `href`, `src`): they never reach access logs, history or a
/// `Referer`.
fn assert_no_secret_in_urls(reply: &Reply, code: &str) {
    let child: String = CHILD.bytes().map(|byte| format!("%{byte:02X}")).collect();
    for (name, value) in &reply.headers {
        assert!(
            !value.contains(code) && !value.contains(CHILD) && !value.contains(&child),
            "{name}: {value}"
        );
    }
    for marker in ["action=\"", "formaction=\"", "href=\"", "src=\""] {
        for chunk in reply.body.split(marker).skip(1) {
            let url = &chunk[..chunk.find('"').unwrap()];
            assert!(
                !url.contains(code) && !url.contains(CHILD) && !url.contains(&child),
                "a URL carries a secret: {url}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_tracked_page_lists_the_evidence_and_each_receipt_verifies() {
    let app = TestApp::spawn_with_worker(vec![site().await]).await;
    let (case_id, code) = file(&app, "en").await;
    let rows = captured(&app, &case_id).await;
    let key = public_key(&app).await;

    let tracked = app
        .post_form(
            "/track?lang=en",
            &[("case_id", &case_id), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(tracked.status, 200, "{}", tracked.body);
    assert_no_secret_in_urls(&tracked, &code);
    let section = between(
        &tracked.body,
        "<ul class=\"evidence\" id=\"evidence\">",
        "</ul>",
    );
    // The file as attached (its name is not kept: it may name the child), and
    // the page as the applicant named it; each saved, with when, in words.
    for text in [
        "File you attached</strong> — <span class=\"item-label\">no. 1</span>",
        &format!("Saved web page</strong> — <span class=\"item-label\">{URL}</span>"),
        "Received 2 December 2026, 10:00",
        "Saved 2 December 2026, 10:00",
    ] {
        assert!(section.contains(text), "{text} not in {section}");
    }
    assert_eq!(section.matches("Saved and entered in the log.").count(), 2);
    assert!(!section.contains("скриншот"), "{section}");
    for row in &rows {
        for route in ["/track/receipt", "/track/receipt/view"] {
            assert!(
                section.contains(&format!(
                    "action=\"{route}?lang=en\">\n    <input type=\"hidden\" name=\"case_id\" value=\"{case_id}\">\n    <input type=\"hidden\" name=\"access_code\" value=\"{code}\">\n    <input type=\"hidden\" name=\"evidence_id\" value=\"{}\">",
                    row.evidence_id
                )),
                "{route} for {} not in {section}",
                row.evidence_id
            );
        }
    }

    for row in &rows {
        // The file: the API's receipt byte for byte, as an attachment no
        // cache keeps.
        let download =
            receipt_form(&app, "/track/receipt", &case_id, &code, &row.evidence_id).await;
        assert_eq!(download.status, 200, "{}", download.body);
        assert_eq!(download.header("content-type"), Some("application/json"));
        assert_eq!(
            download.header("content-disposition").unwrap(),
            format!(
                "attachment; filename=\"qorgau-receipt-{case_id}-{}.json\"",
                row.evidence_id
            )
        );
        assert_eq!(download.header("cache-control"), Some("no-store"));
        assert_no_secret_in_urls(&download, &code);
        let api = app
            .get_bytes(
                &format!(
                    "/api/v1/applications/{case_id}/evidence/{}/receipt",
                    row.evidence_id
                ),
                Some(&code),
            )
            .await;
        assert_eq!(api.status, 200);
        assert_eq!(download.body.as_bytes(), api.body.as_slice());
        let verified = verify_receipt(download.body.as_bytes(), &key).unwrap();
        assert_eq!(Some(verified.digest.to_string()), row.digest);
        assert_eq!(Some(verified.log_index), row.log_index);
        assert_eq!(verified.kind.as_str(), row.kind);
        if row.kind == "upload" {
            // An uploaded item's receipt proves the very bytes attached.
            assert_eq!(verified.digest, Sha256Digest::of(&tiny_png()));
        }

        // The page: the same facts in words.
        let view = receipt_form(
            &app,
            "/track/receipt/view",
            &case_id,
            &code,
            &row.evidence_id,
        )
        .await;
        assert_eq!(view.status, 200, "{}", view.body);
        assert_eq!(view.header("cache-control"), Some("no-store"));
        assert!(!view.body.contains("<script"));
        check_labels("receipt", &view.body);
        assert_no_secret_in_urls(&view, &code);
        for text in [
            format!("id=\"digest\">{}<", verified.digest.hex()),
            format!("id=\"log-index\">{}<", verified.log_index),
            format!("id=\"tree-size\">{}<", verified.checkpoint.tree_size),
            format!("{} bytes", verified.size),
            "2 December 2026, 10:00".to_owned(),
            format!(
                "qorgau receipt verify qorgau-receipt-{case_id}-{}.json --public-key public-key.txt",
                row.evidence_id
            ),
            "href=\"/api/v1/log/public-key\"".to_owned(),
        ] {
            assert!(view.body.contains(&text), "{text} not in {}", view.body);
        }
        let receipt: serde_json::Value = serde_json::from_str(&download.body).unwrap();
        let checkpoint = receipt["checkpoint"].as_str().unwrap();
        assert!(checkpoint.starts_with("qorgau.test/log\n"));
        for line in checkpoint.lines().filter(|line| !line.is_empty()) {
            assert!(view.body.contains(line), "{line} not in {}", view.body);
        }
        for hash in receipt["inclusion_proof"].as_array().unwrap() {
            assert!(
                view.body
                    .contains(&format!("<li>{}</li>", hash.as_str().unwrap()))
            );
        }
        // Digests and metadata only: nothing of the child or the applicant,
        // nor the reported URL.
        for personal in [CHILD, APPLICANT, "erzhan@example.kz", "2011-09-02", URL] {
            assert!(
                !view.body.contains(personal),
                "{personal} on the receipt page"
            );
        }
    }
}

#[tokio::test]
async fn a_wrong_code_gets_the_track_answer_and_no_receipt() {
    let app = TestApp::spawn().await;
    let (case_id, code) = file(&app, "ru").await;
    let (other_case, other_code) = file(&app, "ru").await;
    let rows = app.store.case_evidence(&case_id).await.unwrap();
    let upload = &rows[0].evidence_id;
    assert!(rows[0].log_index.is_some());

    let wrong_track = app
        .post_form(
            "/track?lang=en",
            &[("case_id", &case_id), ("access_code", "WRONG-CODE")],
            None,
        )
        .await;
    assert_eq!(wrong_track.status, 404);
    let unknown_track = app
        .post_form(
            "/track?lang=en",
            &[("case_id", "QG-2026-999999"), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(unknown_track.status, 404);
    for route in ["/track/receipt", "/track/receipt/view"] {
        // A wrong code, and a case that does not exist: the same answer as
        // `/track` gives for each, so nothing tells one from the other.
        let wrong = receipt_form(&app, route, &case_id, "WRONG-CODE", upload).await;
        assert_eq!(wrong.status, 404, "{route}");
        assert_eq!(wrong.body, wrong_track.body, "{route}");
        assert_eq!(wrong.header("content-disposition"), None);
        let unknown = receipt_form(&app, route, "QG-2026-999999", &code, upload).await;
        assert_eq!(unknown.status, 404, "{route}");
        assert_eq!(unknown.body, unknown_track.body, "{route}");
        // Another case's code opens its own case only: this item is not in it.
        let other = receipt_form(&app, route, &other_case, &other_code, upload).await;
        assert_eq!(other.status, 404, "{route}");
        assert!(!other.body.contains("qorgau-receipt/1"));
        assert_eq!(other.header("content-disposition"), None);
        // No item named, or one that is not the case's.
        for evidence_id in ["", "ev_0000000000000000"] {
            let missing = receipt_form(&app, route, &case_id, &code, evidence_id).await;
            assert_eq!(missing.status, 404, "{route} {evidence_id}");
        }
        // And the right code gets it.
        let right = receipt_form(&app, route, &case_id, &code, upload).await;
        assert_eq!(right.status, 200, "{route}: {}", right.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_capture_that_failed_says_why_in_the_applications_language_and_has_no_receipt() {
    // Nothing listens on the site's port: the connection is refused, and the
    // worker records the failure and its next try.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestApp::spawn_with_worker(vec![(
        "https://evidence.test/".to_owned(),
        format!("http://127.0.0.1:{port}/"),
    )])
    .await;
    let (case_id, code) = file(&app, "ru").await;
    let mut failed = None;
    for _ in 0..500 {
        let rows = app.store.case_evidence(&case_id).await.unwrap();
        if let Some(row) = rows.iter().find(|row| row.kind == "capture") {
            failed = Some(row.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let failed = failed.expect("the worker recorded the failed capture");
    assert_eq!(failed.status, "failed");
    assert_eq!(failed.reason.as_deref(), Some("connect"));
    assert!(failed.log_index.is_none() && failed.retry_at.is_some());

    let tracked = app
        .post_form(
            "/track?lang=en",
            &[("case_id", &case_id), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(tracked.status, 200);
    let section = between(
        &tracked.body,
        "<ul class=\"evidence\" id=\"evidence\">",
        "</ul>",
    );
    assert!(
        section.contains(
            "<span class=\"item-failed\">Пока не сохранено: не удалось соединиться с сайтом. Повторим попытку 2 декабря 2026 г., "
        ),
        "{section}"
    );
    // The attached file has its receipt; the failed capture has none.
    assert_eq!(
        section.matches("action=\"/track/receipt?lang=ru\"").count(),
        1
    );
    assert!(!section.contains(&failed.evidence_id));
    let refused = receipt_form(&app, "/track/receipt", &case_id, &code, &failed.evidence_id).await;
    assert_eq!(refused.status, 404);
}

#[tokio::test]
async fn before_anything_is_saved_the_tracked_page_says_so() {
    let app = TestApp::spawn().await;
    // The form without a file: the capture waits for a worker (none here).
    let applied = app
        .post_form(
            "/apply?lang=en",
            &[
                ("language", "en"),
                ("applicant_name", APPLICANT),
                ("relation", "parent"),
                ("child_name", CHILD),
                ("child_birth_date", "2011-09-02"),
                ("resource_1", URL),
                ("incident_1_date", "2026-11-20"),
                ("incident_2_date", "2026-11-24"),
                ("email", "erzhan@example.kz"),
                ("consent", "yes"),
            ],
            None,
        )
        .await;
    assert_eq!(applied.status, 201, "{}", applied.body);
    let case_id = between(&applied.body, "id=\"case-id\">", "<");
    let code = between(&applied.body, "id=\"access-code\">", "<");
    let tracked = app
        .post_form(
            "/track?lang=en",
            &[("case_id", &case_id), ("access_code", &code)],
            None,
        )
        .await;
    assert_eq!(tracked.status, 200);
    assert!(
        tracked
            .body
            .contains("<p id=\"evidence\">Nothing has been saved yet."),
        "{}",
        tracked.body
    );
    assert!(!tracked.body.contains("/track/receipt"));
}

#[tokio::test]
async fn the_public_key_is_named_at_the_services_public_address() {
    let app = TestApp::spawn_configured(qorgau_web::WebConfig {
        public_url: Some("https://qorgau.example.kz/".to_owned()),
        ..qorgau_web::WebConfig::default()
    })
    .await;
    let (case_id, code) = file(&app, "kk").await;
    let rows = app.store.case_evidence(&case_id).await.unwrap();
    let view = receipt_form(
        &app,
        "/track/receipt/view",
        &case_id,
        &code,
        &rows[0].evidence_id,
    )
    .await;
    assert_eq!(view.status, 200, "{}", view.body);
    // On paper too, the address says where to fetch the key.
    assert!(
        view.body.contains(
            "<a href=\"https://qorgau.example.kz/api/v1/log/public-key\" class=\"digest\">https://qorgau.example.kz/api/v1/log/public-key</a>"
        ),
        "{}",
        view.body
    );
}

/// A receipt page or tracked page with what changes from run to run replaced:
/// the access code, the evidence ids (random), and the log's signed
/// checkpoint and proof hashes (the key and the record's hashes are new in
/// every run).
fn stable_receipt(html: &str, code: &str, rows: &[EvidenceRow], receipt: Option<&str>) -> String {
    let mut out = stable(html, code);
    for (number, row) in rows.iter().enumerate() {
        out = out.replace(&row.evidence_id, &format!("EVIDENCE-{}", number + 1));
    }
    if let Some(receipt) = receipt {
        let receipt: serde_json::Value = serde_json::from_str(receipt).unwrap();
        let checkpoint = receipt["checkpoint"].as_str().unwrap();
        assert!(out.contains(checkpoint), "the checkpoint verbatim");
        out = out.replace(checkpoint, "CHECKPOINT\n");
        for hash in receipt["inclusion_proof"].as_array().unwrap() {
            out = out.replace(hash.as_str().unwrap(), "PROOF-HASH");
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_tracked_and_receipt_pages_in_three_languages_match_their_snapshots() {
    let app = TestApp::spawn_with_worker(vec![site().await]).await;
    // One case at a time, each captured before the next is filed, so every
    // run logs the same leaves in the same order.
    let mut cases = Vec::new();
    for language in ["kk", "ru", "en"] {
        let (case_id, code) = file(&app, language).await;
        let rows = captured(&app, &case_id).await;
        cases.push((language, case_id, code, rows));
    }
    for (language, case_id, code, rows) in &cases {
        let tracked = app
            .post_form(
                &format!("/track?lang={language}"),
                &[("case_id", case_id), ("access_code", code)],
                None,
            )
            .await;
        assert_eq!(tracked.status, 200);
        check_labels(&format!("tracked-evidence.{language}"), &tracked.body);
        check_snapshot(
            &format!("tracked-evidence.{language}"),
            &stable_receipt(&tracked.body, code, rows, None),
        );
        // The uploaded file's receipt: its digest is the same in every run.
        let download =
            receipt_form(&app, "/track/receipt", case_id, code, &rows[0].evidence_id).await;
        let view = receipt_form(
            &app,
            "/track/receipt/view",
            case_id,
            code,
            &rows[0].evidence_id,
        )
        .await;
        assert_eq!(view.status, 200, "{}", view.body);
        assert!(view.body.contains(&format!("<html lang=\"{language}\">")));
        check_labels(&format!("receipt.{language}"), &view.body);
        check_snapshot(
            &format!("receipt.{language}"),
            &stable_receipt(&view.body, code, rows, Some(&download.body)),
        );
    }
}
