//! The story in a real browser: headless Chromium driven over the
//! WebDriver protocol (Debian's `chromium` and `chromium-driver`; `.ci/run`
//! installs them). A parent on a phone-sized window walks the form's steps in
//! Russian (the screenshot chosen on the last one), the
//! expert group confirms, the coordinator records the decision on the staff
//! pages (which issues the order), the owner reports removal through the API,
//! and the parent sees the outcome in Russian. Then the same form refuses an
//! application without an Internet resource, in Kazakh.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::TestApp;
use qorgau_store::Store;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Driver {
    process: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // End the session first, so ChromeDriver closes the browser: killing
        // ChromeDriver alone leaves Chromium running, orphaned. Blocking and
        // best effort (this also runs while a failed test unwinds).
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
            use std::io::{Read, Write};
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let request = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                self.session
            );
            if stream.write_all(request.as_bytes()).is_ok() {
                let _ = stream.read_to_end(&mut Vec::new());
            }
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One WebDriver call: JSON over HTTP/1.1 on loopback.
async fn call(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let body = body.map(|value| value.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    // chromedriver keeps the connection open: read the head, then exactly
    // Content-Length bytes of body.
    let mut raw = Vec::new();
    let mut buffer = [0u8; 8192];
    let head_end = loop {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "chromedriver closed the connection");
        raw.extend_from_slice(&buffer[..read]);
        if let Some(position) = raw.windows(4).position(|window| window == b"\r\n\r\n") {
            break position;
        }
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_string();
    let length: usize = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Content-Length in {head}"));
    let mut body_bytes = raw[head_end + 4..].to_vec();
    while body_bytes.len() < length {
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(read > 0, "chromedriver closed the connection early");
        body_bytes.extend_from_slice(&buffer[..read]);
    }
    let body = String::from_utf8_lossy(&body_bytes[..length]).to_string();
    serde_json::from_str(&body).unwrap_or_else(|_| panic!("WebDriver answered {head}\n{body}"))
}

impl Driver {
    /// Starts chromedriver and a headless Chromium; `None` when they are not
    /// installed outside CI (CI installs them, so there it is a failure).
    async fn start() -> Option<Driver> {
        let driver = std::path::Path::new("/usr/bin/chromedriver");
        if !driver.exists() {
            assert!(
                std::env::var("CI").is_err(),
                "CI must install chromium and chromium-driver"
            );
            eprintln!(
                "browser test skipped: /usr/bin/chromedriver is not installed (apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let process = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let profile = tempfile::tempdir().unwrap();
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--no-first-run",
                         "--disable-sync", "--window-size=390,844",
                         format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let created = call(port, "POST", "/session", Some(capabilities)).await;
        let session = created["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        Some(Driver {
            process,
            port,
            session,
            _profile: profile,
        })
    }

    async fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let value = call(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
        .await;
        assert!(
            value["value"]["error"].is_null(),
            "{method} {path}: {value}"
        );
        value["value"].clone()
    }

    async fn open(&self, url: &str) {
        self.command("POST", "/url", Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .command(
                "POST",
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        found
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.command(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    /// Sets a date input's value (typing into date pickers depends on the locale).
    async fn set_value(&self, id: &str, value: &str) {
        let script = "document.getElementById(arguments[0]).value = arguments[1];";
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": [id, value]})),
        )
        .await;
    }

    /// Waits (up to 10 s) for an element to appear: a click that submits a form
    /// returns before the next page has loaded.
    async fn wait_for(&self, css: &str) {
        for _ in 0..100 {
            let found = call(
                self.port,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
            if found["value"]["error"].is_null() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // The page's source, not its body's text: the page may have none.
        let url = self.command("GET", "/url", None).await;
        let source = self.command("GET", "/source", None).await;
        panic!("{css} never appeared on {url}: {source}");
    }

    async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.command(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Clicks something that loads a new page (a submit button, a link) and
    /// waits until the old page is gone: a click returns before the next page
    /// has loaded, and an element both pages have would be found on the old.
    async fn submit(&self, css: &str) {
        let old = self.find("html").await;
        self.click(css).await;
        self.wait_replaced(&old).await;
    }

    /// Waits (up to 10 s) until the page whose `html` element is `old` has
    /// been replaced by another.
    async fn wait_replaced(&self, old: &str) {
        for _ in 0..100 {
            let probe = call(
                self.port,
                "GET",
                &format!("/session/{}/element/{old}/name", self.session),
                None,
            )
            .await;
            if probe["value"]["error"] == "stale element reference" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.command("GET", "/url", None).await;
        panic!("the page at {url} was not replaced within 10 s");
    }

    async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.command("GET", &format!("/element/{element}/text"), None)
            .await
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// An input's current value (hidden ones too).
    async fn value(&self, css: &str) -> Value {
        let element = self.find(css).await;
        self.command("GET", &format!("/element/{element}/property/value"), None)
            .await
    }

    async fn page_text(&self) -> String {
        self.text("body").await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_files_in_russian_and_sees_the_removal_and_kazakh_refuses_without_a_resource() {
    let Some(browser) = Driver::start().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let base = format!("http://{}", app.address);

    // A parent on a phone files an application in Russian, step by step.
    browser.open(&format!("{base}/?lang=ru")).await;
    browser.submit("a.button").await;
    browser.wait_for("#applicant_name").await;
    browser
        .type_into("#applicant_name", "Айгуль Ахметова")
        .await;
    browser.click("#relation").await;
    browser.submit("#continue").await;
    browser.wait_for("#child_name").await;
    browser.type_into("#child_name", "Данияр").await;
    browser.set_value("child_birth_date", "2012-04-15").await;
    browser.submit("#continue").await;
    browser.wait_for("#resource_1").await;
    // The rule is explained on this step, before anything is sent.
    assert!(browser.text(".rule").await.contains("интернет-ресурс"));
    browser
        .type_into(
            "#resource_1",
            "https://t.me/s/school_memes_kz?utm_source=share",
        )
        .await;
    // A second link, added and then removed again, without JavaScript.
    browser.submit("button[value=add_resource]").await;
    browser.wait_for("#resource_2").await;
    browser
        .type_into("#resource_2", "https://instagram.com/fake_daniyar")
        .await;
    browser.submit("button[value=remove_resource_2]").await;
    browser.wait_for("button[value=add_resource]").await;
    assert!(
        !browser
            .page_text()
            .await
            .contains("instagram.com/fake_daniyar")
    );
    browser.set_value("incident_1_date", "2026-11-20").await;
    browser
        .type_into("#incident_1_resource", "t.me/school_memes_kz")
        .await;
    browser
        .type_into("#incident_1_description", "Унизительный мем")
        .await;
    browser.set_value("incident_2_date", "2026-11-24").await;
    browser
        .type_into("#incident_2_description", "Ещё один мем")
        .await;
    browser.submit("#continue").await;
    browser.wait_for("#email").await;
    browser.type_into("#email", "aigul@example.kz").await;
    browser.click("#consent").await;
    browser.submit("#continue").await;
    // Check the answers; the screenshot of the post is attached on this last
    // step (WebDriver types the file's path into the file input).
    browser.wait_for("#evidence").await;
    let answers = browser.page_text().await;
    for answer in [
        "Айгуль Ахметова",
        "Данияр",
        "Унизительный мем",
        "aigul@example.kz",
    ] {
        assert!(answers.contains(answer), "{answer}: {answers}");
    }
    let url = browser.command("GET", "/url", None).await;
    assert!(
        !url.as_str().unwrap().contains("%D0"),
        "no answer in the address: {url}"
    );
    let screenshot = tempfile::tempdir().unwrap();
    let png = common::tiny_png();
    let png_path = screenshot.path().join("скриншот.png");
    std::fs::write(&png_path, &png).unwrap();
    browser
        .type_into("#evidence", png_path.to_str().unwrap())
        .await;
    browser.submit("#send").await;
    browser.wait_for("#case-id").await;
    let case_id = browser.text("#case-id").await;
    let code = browser.text("#access-code").await;
    assert!(browser.page_text().await.contains("Заявление принято"));
    // Kept as the case's evidence, byte for byte (its digest).
    let uploads: Vec<String> = app
        .get(
            &format!("/api/v1/applications/{case_id}/evidence"),
            Some(&code),
        )
        .await
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["kind"] == "upload")
        .map(|item| item["digest"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        uploads,
        [qorgau_evidence::Sha256Digest::of(&png).to_string()]
    );

    // The expert group confirms.
    for expert in ["e1", "e2", "chair"] {
        let token = app.sign_in(expert).await;
        let vote = json!({"vote": "confirm", "category": "cyberbullying", "reasons": "систематические насмешки"});
        assert_eq!(
            app.post(
                &format!("/api/v1/cases/{case_id}/votes"),
                Some(&token),
                vote
            )
            .await
            .status,
            200
        );
    }

    // The coordinator records the decision on the staff pages: the order goes out.
    browser.open(&format!("{base}/staff/login?lang=ru")).await;
    browser.type_into("#username", "coord").await;
    browser.type_into("#password", "coord-password").await;
    browser.submit("button[type=submit]").await;
    browser.wait_for("#queue").await;
    // Follow the link from the queue, as a person does.
    browser
        .submit(&format!("a[href^='/staff/cases/{case_id}']"))
        .await;
    browser.wait_for("form[action*=decide] button").await;
    // The screenshot is there for the reviewers, blurred until opened.
    browser.wait_for("#evidence details.sensitive img").await;
    browser.submit("form[action*=decide] button").await;
    browser.wait_for("form[action*=respond]").await;
    let orders = browser.text("#orders").await;
    assert!(orders.contains("telegram"), "{orders}");

    // The resource owner reports removal through the API.
    let listed = app.get("/api/v1/orders", Some("qgk_telegram")).await.json();
    let order_id = listed[0]["order_id"].as_str().unwrap().to_owned();
    let removal = app
        .post(
            &format!("/api/v1/orders/{order_id}/removal"),
            Some("qgk_telegram"),
            json!({"note": "удалено"}),
        )
        .await;
    assert_eq!(removal.status, 200);

    // The parent sees the outcome, in Russian.
    browser.open(&format!("{base}/track?lang=ru")).await;
    browser.type_into("#case_id", &case_id).await;
    browser.type_into("#access_code", &code).await;
    browser.submit("button[type=submit]").await;
    browser.wait_for("#timeline").await;
    let status = browser.text("#status").await;
    assert!(status.contains("факты подтверждены"), "{status}");
    let timeline = browser.text("#timeline").await;
    assert!(
        timeline.contains("Владелец сообщил об удалении"),
        "{timeline}"
    );

    // The same form refuses an application without an Internet resource, in
    // Kazakh: at the resources step, keeping what was typed.
    browser.open(&format!("{base}/apply?lang=kk")).await;
    browser.wait_for("#applicant_name").await;
    browser.type_into("#applicant_name", "Ержан Болатұлы").await;
    browser.click("#relation").await;
    browser.submit("#continue").await;
    browser.wait_for("#child_name").await;
    browser.set_value("child_birth_date", "2011-09-02").await;
    // Enter in a field continues (the form's default button), rather than
    // pressing the language switch or "add another" that come first.
    let step = browser.find("html").await;
    browser.type_into("#child_name", "Әсел\u{E007}").await;
    browser.wait_replaced(&step).await;
    browser.wait_for("#resource_1").await;
    browser.set_value("incident_1_date", "2026-11-25").await;
    browser
        .type_into("#incident_1_description", "Қорлайтын хабарламалар")
        .await;
    browser.submit("#continue").await;
    browser.wait_for(".error-summary").await;
    let summary = browser.text(".error-summary").await;
    assert!(
        summary.contains("Қателер бар") && summary.contains("интернет-ресурс"),
        "{summary}"
    );
    // The summary links to the field, and what was typed is still there.
    browser.click(".error-summary a[href='#resource_1']").await;
    assert_eq!(
        browser.value("#incident_1_description").await,
        "Қорлайтын хабарламалар"
    );
    assert_eq!(
        browser.value("input[name=applicant_name]").await,
        "Ержан Болатұлы"
    );
    assert_eq!(browser.value("input[name=child_name]").await, "Әсел");
    assert!(app.store.list_cases(None).await.unwrap().len() == 1);
}
