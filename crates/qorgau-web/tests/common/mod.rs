//! The test harness shared by the web service's integration tests: a real
//! server on port 0 over a store of the test's own, a clock the test moves,
//! and a minimal HTTP/1.1 client (no client library needed).
//!
//! The store is a temporary SQLite folder, or with `QORGAU_TEST_STORE=postgres`
//! a PostgreSQL database created for the test and dropped after it (the
//! server at `QORGAU_TEST_POSTGRES`, default 127.0.0.1:5432), so the same
//! suite runs on both stores (`.ci/run` runs it twice).

#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jiff::Timestamp;
use qorgau_app::credentials::{hash_password, secret_hash};
use qorgau_app::{Evidence, EvidencePaths, ManualClock, Worker, WorkerConfig, WorkerHandle};
use qorgau_store::{AnyStore, ResourceOwner, StaffMember, StaffRole, Store, StoreLocation};
use qorgau_web::{AppState, WebConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The worker of `spawn_with_worker`: two jobs at once, polling every 20 ms,
/// capturing from loopback with short timeouts.
fn test_worker(rewrite: Vec<(String, String)>) -> WorkerConfig {
    WorkerConfig {
        concurrency: 2,
        poll: Duration::from_millis(20),
        rewrite,
        capture: qorgau_evidence::capture::CaptureConfig {
            allow_loopback: true,
            connect_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(10),
            ..Default::default()
        },
        ..WorkerConfig::default()
    }
}

/// Wednesday 2 December 2026, 10:00 Almaty.
pub const START: &str = "2026-12-02T10:00:00+05:00";

pub struct TestApp {
    pub address: std::net::SocketAddr,
    pub clock: Arc<ManualClock>,
    pub store: AnyStore,
    pub folder: tempfile::TempDir,
    /// The blob store (FOLDER/blobs) and the transparency log (key FOLDER/log.key).
    pub evidence: Arc<Evidence>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// The evidence job worker, when started (`spawn_with_worker`).
    worker: Option<WorkerHandle>,
    /// The test's PostgreSQL database, dropped last (`QORGAU_TEST_STORE=postgres`).
    database: Option<PgDatabase>,
}

/// The store the suite runs on: `QORGAU_TEST_STORE=postgres`, or the
/// embedded one. Anything else is refused, so a typo cannot silently test
/// the wrong store.
pub fn on_postgres() -> bool {
    match std::env::var("QORGAU_TEST_STORE").as_deref() {
        Err(_) | Ok("" | "sqlite") => false,
        Ok("postgres") => true,
        Ok(other) => panic!("QORGAU_TEST_STORE={other}: use sqlite or postgres"),
    }
}

/// The server's maintenance database; override with `QORGAU_TEST_POSTGRES`.
fn admin_url() -> String {
    std::env::var("QORGAU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A PostgreSQL database of the test's own, named at random: `AnyStore::open`
/// creates it, the guard drops it (also when the test fails).
pub struct PgDatabase {
    pub name: String,
}

impl PgDatabase {
    fn named() -> PgDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u32(std::process::id());
        PgDatabase {
            name: format!("qorgau_web_{:016x}", hasher.finish()),
        }
    }

    pub fn url(&self) -> String {
        let admin = admin_url();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // `WITH (FORCE)` ends the connections the stopping server still
        // holds. On a thread and runtime of its own: `Drop` cannot be async,
        // and runs inside the test's runtime.
        let statement = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut connection =
                    <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url())
                        .await
                        .unwrap();
                sqlx::query(sqlx::AssertSqlSafe(statement))
                    .execute(&mut connection)
                    .await
                    .unwrap();
            });
        })
        .join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("could not drop test database {}", self.name);
        }
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

const STAFF: [(&str, StaffRole, bool); 4] = [
    ("coord", StaffRole::Coordinator, false),
    ("chair", StaffRole::Expert, true),
    ("e1", StaffRole::Expert, false),
    ("e2", StaffRole::Expert, false),
];

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(None).await
    }

    /// A test app whose evidence worker runs in the background (polling
    /// every 20 ms), capturing from loopback, with `rewrite` URL prefixes
    /// fetched from the test's own servers instead.
    pub async fn spawn_with_worker(rewrite: Vec<(String, String)>) -> TestApp {
        TestApp::spawn_with(Some(test_worker(rewrite))).await
    }

    /// `spawn_with_worker`, with headless Chromium beside each capture.
    pub async fn spawn_with_browser(
        rewrite: Vec<(String, String)>,
        browser: qorgau_evidence::browser::BrowserConfig,
    ) -> TestApp {
        TestApp::spawn_with(Some(WorkerConfig {
            browser: Some(browser),
            ..test_worker(rewrite)
        }))
        .await
    }

    /// A test app with the service settings `config` (no worker).
    pub async fn spawn_configured(config: WebConfig) -> TestApp {
        TestApp::spawn_full(None, config).await
    }

    async fn spawn_with(worker: Option<WorkerConfig>) -> TestApp {
        TestApp::spawn_full(worker, WebConfig::default()).await
    }

    async fn spawn_full(worker: Option<WorkerConfig>, config: WebConfig) -> TestApp {
        let folder = tempfile::tempdir().unwrap();
        let database = on_postgres().then(PgDatabase::named);
        let location = match &database {
            Some(database) => StoreLocation::Postgres(database.url()),
            None => StoreLocation::Embedded(folder.path().to_owned()),
        };
        let store = AnyStore::open(&location, true)
            .await
            .unwrap_or_else(|error| {
                panic!("{location:?} (PostgreSQL: is it running? `.ci/run` starts it): {error}")
            });
        let clock = Arc::new(ManualClock::new(START.parse().unwrap()));
        let now: Timestamp = START.parse().unwrap();
        for (username, role, chair) in STAFF {
            let member = StaffMember {
                username: username.into(),
                display_name: username.into(),
                role,
                chair,
                active: true,
            };
            store.add_staff(&member, now).await.unwrap();
            store
                .set_staff_password(
                    username,
                    &hash_password(&format!("{username}-password")).unwrap(),
                )
                .await
                .unwrap();
        }
        for (name, domains) in [
            ("telegram", vec!["t.me"]),
            ("instagram", vec!["instagram.com"]),
        ] {
            let owner = ResourceOwner {
                name: name.into(),
                display_name: name.into(),
                api_key_hash: secret_hash(&format!("qgk_{name}")),
                domains: domains.into_iter().map(str::to_owned).collect(),
            };
            store.add_owner(&owner, now).await.unwrap();
        }
        let evidence = Arc::new(
            Evidence::open(
                &EvidencePaths {
                    blobs: folder.path().join("blobs"),
                    log_key: folder.path().join("log.key"),
                },
                Some("https://qorgau.test"),
            )
            .unwrap(),
        );
        let worker = worker.map(|config| {
            let worker = Worker::new(
                Arc::new(store.clone()),
                clock.clone(),
                evidence.clone(),
                config,
            )
            .unwrap();
            Arc::new(worker).spawn()
        });
        // Documents render (order and letter PDFs); nothing is sent: no
        // mail server, and no owner registers a webhook unless a test does.
        let outbox = qorgau_app::Outbox {
            webhooks: qorgau_delivery::webhook::WebhookSender::new(
                qorgau_delivery::webhook::WebhookConfig::default(),
            )
            .unwrap(),
            mailer: None,
            templates: qorgau_documents::Templates::embedded().unwrap(),
            public_url: "https://qorgau.test".to_owned(),
            retry: qorgau_delivery::retry::RetryPolicy::DEFAULT,
        };
        let state = AppState::new(store.clone(), clock.clone(), config)
            .with_evidence(evidence.clone())
            .with_outbox(Arc::new(outbox));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(qorgau_web::serve(
            listener,
            state,
            async move {
                let _ = stopped.await;
            },
            Duration::from_secs(5),
        ));
        TestApp {
            address,
            clock,
            store,
            folder,
            evidence,
            stop: Some(stop),
            worker,
            database,
        }
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let body = body.unwrap_or("");
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if (!body.is_empty() || method == "POST")
            && !headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            all.push(("Content-Type", "application/json"));
        }
        self.raw(path, method, &all, body).await
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Reply {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|value| ("Authorization", value.as_str()))
            .collect();
        self.request("GET", path, &headers, None).await
    }

    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> Reply {
        let authorization = bearer.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = authorization
            .iter()
            .map(|value| ("Authorization", value.as_str()))
            .collect();
        self.request("POST", path, &headers, Some(&body.to_string()))
            .await
    }

    pub async fn sign_in(&self, username: &str) -> String {
        let reply = self
            .post(
                "/api/v1/auth/token",
                None,
                json!({"username": username, "password": format!("{username}-password")}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    pub async fn apply(&self, application: Value) -> (String, String) {
        let reply = self.post("/api/v1/applications", None, application).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let body = reply.json();
        (
            body["case_id"].as_str().unwrap().to_owned(),
            body["access_code"].as_str().unwrap().to_owned(),
        )
    }

    /// Three experts confirm cyberbullying; the chair records the decision.
    pub async fn confirm(&self, case_id: &str) -> Value {
        for expert in ["e1", "e2", "chair"] {
            let token = self.sign_in(expert).await;
            let vote = json!({"vote": "confirm", "category": "cyberbullying", "reasons": "systematic mockery"});
            let reply = self
                .post(
                    &format!("/api/v1/cases/{case_id}/votes"),
                    Some(&token),
                    vote,
                )
                .await;
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        let chair = self.sign_in("chair").await;
        let reply = self
            .post(
                &format!("/api/v1/cases/{case_id}/decision"),
                Some(&chair),
                json!({}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.json()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            worker.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn dechunk(body: &str) -> String {
    let mut rest = body;
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 {
            break;
        }
        out.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    out
}

/// `application/x-www-form-urlencoded` for a form post (shared with the
/// command line's suites).
pub use qorgau_testkit::form_body;

impl TestApp {
    /// Posts a form, with a session cookie when given.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        let body = form_body(fields);
        let cookie_header = cookie.map(|value| format!("qorgau_session={value}"));
        let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
        if let Some(value) = &cookie_header {
            headers.push(("Cookie", value.as_str()));
        }
        self.raw(path, "POST", &headers, &body).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Reply {
        let value = format!("qorgau_session={cookie}");
        self.raw(path, "GET", &[("Cookie", value.as_str())], "")
            .await
    }

    /// Posts a `multipart/form-data` form: text fields, then files as
    /// (field name, file name, claimed content type, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Reply {
        let boundary = "qorgau-test-boundary-7f3a9c";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.raw_bytes(path, "POST", &[("Content-Type", &content_type)], &body)
            .await
    }

    async fn raw(&self, path: &str, method: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        self.raw_bytes(path, method, headers, body.as_bytes()).await
    }

    async fn raw_bytes(
        &self,
        path: &str,
        method: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut stream = tokio::net::TcpStream::connect(self.address).await.unwrap();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        let mut request = request.into_bytes();
        request.extend_from_slice(body);
        stream.write_all(&request).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        // Binary bodies (images) are read lossily: tests compare them with get_bytes.
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let chunked = headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked")
        });
        let body = if chunked {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Reply {
            status,
            headers,
            body,
        }
    }
}

/// The session cookie a response sets.
pub fn session_cookie(reply: &Reply) -> Option<String> {
    reply
        .headers
        .iter()
        .find(|(name, value)| {
            name.eq_ignore_ascii_case("set-cookie") && value.starts_with("qorgau_session=")
        })
        .and_then(|(_, value)| value.split(';').next())
        .and_then(|pair| pair.split_once('='))
        .map(|(_, token)| token.to_owned())
}

/// The value of a hidden or text input in a page.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// A reply with its body as bytes (files, not text).
pub struct RawReply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawReply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl TestApp {
    /// A GET whose body is kept as bytes (Content-Length framed).
    pub async fn get_bytes(&self, path: &str, bearer: Option<&str>) -> RawReply {
        self.get_bytes_as(path, bearer, None).await
    }

    /// `get_bytes` with a `Cookie` header of this value (`qorgau_session=…`,
    /// or what `owner_session` returns).
    pub async fn get_bytes_with_cookie(&self, path: &str, cookie: &str) -> RawReply {
        self.get_bytes_as(path, None, Some(cookie)).await
    }

    async fn get_bytes_as(
        &self,
        path: &str,
        bearer: Option<&str>,
        cookie: Option<&str>,
    ) -> RawReply {
        let mut stream = tokio::net::TcpStream::connect(self.address).await.unwrap();
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if let Some(token) = bearer {
            request.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        if let Some(cookie) = cookie {
            request.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let split = raw
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap();
        let head = String::from_utf8(raw[..split].to_vec()).unwrap();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
            .collect();
        assert!(
            !headers.iter().any(
                |(name, value)| name.eq_ignore_ascii_case("transfer-encoding")
                    && value.contains("chunked")
            ),
            "a file is sent with its length"
        );
        RawReply {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }
}

impl TestApp {
    /// Signs a staff member in on the pages (password `<username>-password`)
    /// and returns the session cookie's value.
    pub async fn page_session(&self, username: &str) -> String {
        let password = format!("{username}-password");
        let reply = self
            .post_form(
                "/staff/login?lang=en",
                &[("username", username), ("password", &password)],
                None,
            )
            .await;
        session_cookie(&reply)
            .unwrap_or_else(|| panic!("{username} could not sign in: {}", reply.status))
    }

    /// Signs a resource owner in to the portal with its API key and returns
    /// the `Cookie` header's value (`qorgau_owner=<session token>`).
    pub async fn owner_session(&self, api_key: &str) -> String {
        let reply = self
            .post_form("/owner/login?lang=en", &[("api_key", api_key)], None)
            .await;
        assert_eq!(
            reply.status, 303,
            "{api_key} could not sign in: {}",
            reply.body
        );
        reply
            .header("set-cookie")
            .and_then(|cookie| cookie.split(';').next())
            .unwrap()
            .to_owned()
    }
}

/// The PDF's text as [`qorgau_testkit::pdf_text`] reads it (lines trimmed
/// and joined, spaces dropped), from its bytes.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("package.pdf");
    std::fs::write(&path, pdf).unwrap();
    qorgau_testkit::pdf_text(&path)
}

/// A valid 1×1 PNG: signature, IHDR, IDAT (zlib of one filter byte and one
/// grey pixel), IEND, with their CRCs.
pub fn tiny_png() -> Vec<u8> {
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

// The page suites' checks (`tests/pages.rs`, `tests/receipts.rs`).

/// Compares a page with its reviewed snapshot in `tests/snapshots/`.
/// `QORGAU_UPDATE_SNAPSHOTS=1` rewrites them (review the diff before committing).
pub fn check_snapshot(name: &str, html: &str) {
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
pub fn check_labels(name: &str, html: &str) {
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

/// A page with what changes from run to run replaced: the access code (random)
/// and the CSRF tokens (derived from a random session secret).
pub fn stable(html: &str, access_code: &str) -> String {
    let mut out = html.replace(access_code, "ACCESS-CODE");
    let marker = "name=\"csrf\" value=\"";
    let mut from = 0;
    while let Some(at) = out[from..].find(marker) {
        let start = from + at + marker.len();
        let end = start + out[start..].find('"').unwrap();
        out.replace_range(start..end, "CSRF");
        from = start;
    }
    out
}
