//! The harness shared by the command line's end-to-end tests: a store of the
//! test's own (an embedded folder or a fresh PostgreSQL database, dropped with
//! its guard), real `qorgau serve` processes killed with theirs, a minimal
//! HTTP/1.1 client over `tokio::net::TcpStream`, the applications the clients
//! send, and the checks on the record afterwards.
//!
//! `TestStore::from_env` is the store `QORGAU_TEST_STORE` selects: the
//! embedded one by default, a PostgreSQL database with
//! `QORGAU_TEST_STORE=postgres` (the server at `QORGAU_TEST_POSTGRES`, default
//! 127.0.0.1:5432), so one suite runs on both stores (`.ci/run` runs it twice).

#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Wednesday 2 December 2026, 10:00 Almaty: every process runs on this clock,
/// so the case numbers are all of one year and the dates below are in the past.
pub const NOW: &str = "2026-12-02T10:00:00+05:00";

// ---------------------------------------------------------------------------
// Stores

/// The store the suites run on: `QORGAU_TEST_STORE=postgres`, or the
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

/// Runs `work` on a thread and runtime of its own: a guard's `Drop` cannot
/// be async and may run inside the test's runtime, and the synchronous tests
/// have none. A panic in `work` is a panic here.
fn on_own_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work)
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

async fn connect(url: &str) -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap_or_else(|error| panic!("PostgreSQL (is it running? `.ci/run` starts it): {error}"))
}

/// Runs one statement on the maintenance database.
fn admin(statement: String) {
    on_own_runtime(async move {
        let mut connection = connect(&admin_url()).await;
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut connection)
            .await
            .unwrap();
    });
}

/// A PostgreSQL database of the test's own, named at random; `qorgau init`
/// creates it, the guard drops it (also when the test fails).
pub struct PgDatabase {
    pub name: String,
}

impl PgDatabase {
    /// A name for a database that does not exist yet.
    pub fn named(prefix: &str) -> PgDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u32(std::process::id());
        PgDatabase {
            name: format!("qorgau_{prefix}_{:016x}", hasher.finish()),
        }
    }

    /// An empty database, with no Qorgau schema.
    pub fn created(prefix: &str) -> PgDatabase {
        let database = PgDatabase::named(prefix);
        admin(format!("CREATE DATABASE \"{}\"", database.name));
        database
    }

    pub fn url(&self) -> String {
        let admin = admin_url();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }

    /// The URL with a password, which the server (trust auth) ignores and
    /// Qorgau must never print.
    pub fn url_with_password(&self) -> String {
        self.url().replacen("postgres@", "postgres:hunter2@", 1)
    }

    /// Whether the database exists (`qorgau init` creates it).
    pub fn exists(&self) -> bool {
        let name = self.name.clone();
        on_own_runtime(async move {
            let mut connection = connect(&admin_url()).await;
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
            )
            .bind(name)
            .fetch_one(&mut connection)
            .await
            .unwrap()
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // `WITH (FORCE)` ends the connections a killed server may still hold.
        let statement = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropped = std::panic::catch_unwind(|| admin(statement));
        if dropped.is_err() && !std::thread::panicking() {
            panic!("could not drop test database {}", self.name);
        }
    }
}

/// Where a test's record lives. Every process runs in its folder, which
/// also holds the servers' logs, the evidence blobs and the log key (the
/// embedded store keeps them in its data folder, FOLDER/data).
pub struct TestStore {
    pub folder: tempfile::TempDir,
    pub database: Option<PgDatabase>,
}

impl TestStore {
    /// The store `QORGAU_TEST_STORE` selects; `prefix` names the database.
    pub fn from_env(prefix: &str) -> TestStore {
        if on_postgres() {
            TestStore::postgres(prefix)
        } else {
            TestStore::embedded()
        }
    }

    /// An embedded store in a fresh folder.
    pub fn embedded() -> TestStore {
        TestStore {
            folder: tempfile::tempdir().unwrap(),
            database: None,
        }
    }

    /// A fresh PostgreSQL database.
    pub fn postgres(prefix: &str) -> TestStore {
        TestStore {
            folder: tempfile::tempdir().unwrap(),
            database: Some(PgDatabase::named(prefix)),
        }
    }

    /// `--data DIR` or `--database-url URL`.
    pub fn args(&self) -> Vec<String> {
        match &self.database {
            // The evidence folder and log key beside the test's own files
            // (with PostgreSQL they default to the working folder).
            Some(database) => vec![
                "--database-url".to_owned(),
                database.url(),
                "--blobs".to_owned(),
                self.blobs().display().to_string(),
                "--log-key".to_owned(),
                self.log_key().display().to_string(),
            ],
            None => vec!["--data".to_owned(), self.data().display().to_string()],
        }
    }

    pub fn folder(&self) -> &Path {
        self.folder.path()
    }

    /// The embedded store's data folder (unused with PostgreSQL).
    fn data(&self) -> PathBuf {
        self.folder.path().join("data")
    }

    /// The evidence store's folder, where `qorgau` keeps it by default.
    pub fn blobs(&self) -> PathBuf {
        match &self.database {
            Some(_) => self.folder.path().join("blobs"),
            None => self.data().join("blobs"),
        }
    }

    /// The transparency log's key file, where `qorgau` keeps it by default.
    pub fn log_key(&self) -> PathBuf {
        match &self.database {
            Some(_) => self.folder.path().join("log.key"),
            None => self.data().join("log.key"),
        }
    }

    /// Whether the store exists: `qorgau init` (or a command that creates
    /// it) has made its data folder or its database.
    pub fn exists(&self) -> bool {
        match &self.database {
            Some(database) => database.exists(),
            None => self.data().exists(),
        }
    }

    /// Runs SQL statements directly on the store's database, past Qorgau, as
    /// someone with access to the database could.
    pub fn execute(&self, statements: &[&str]) {
        let statements: Vec<String> = statements.iter().map(|&s| s.to_owned()).collect();
        match &self.database {
            Some(database) => {
                let url = database.url();
                on_own_runtime(async move {
                    let mut connection = connect(&url).await;
                    for statement in statements {
                        sqlx::query(sqlx::AssertSqlSafe(statement))
                            .execute(&mut connection)
                            .await
                            .unwrap();
                    }
                });
            }
            None => {
                let data = self.data();
                on_own_runtime(async move {
                    let store = qorgau_store::SqliteStore::open(&data).await.unwrap();
                    for statement in statements {
                        sqlx::query(sqlx::AssertSqlSafe(statement))
                            .execute(store.pool())
                            .await
                            .unwrap();
                    }
                    store.close().await;
                });
            }
        }
    }

    /// `qorgau STORE` in English, on the pinned clock, in the test's folder,
    /// untouched by the environment the tests run in.
    pub fn command(&self) -> Command {
        command(&self.args(), self.folder())
    }
}

// ---------------------------------------------------------------------------
// The command line

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn fails(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

fn command(store_args: &[String], folder: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qorgau"));
    command
        .args(store_args)
        .current_dir(folder)
        .env("QORGAU_LANG", "en")
        .env("QORGAU_TEST_NOW", NOW)
        .env_remove("QORGAU_JOBS")
        .env_remove("QORGAU_CAPTURE_ALLOW_LOOPBACK")
        .env_remove("QORGAU_CAPTURE_REWRITE")
        .env_remove("QORGAU_CAPTURE_PORTS")
        .env_remove("QORGAU_USER")
        .env_remove("QORGAU_DATA")
        .env_remove("QORGAU_DATABASE_URL")
        .env_remove("QORGAU_BLOBS")
        .env_remove("QORGAU_LOG_KEY")
        .env_remove("QORGAU_PUBLIC_URL")
        .env_remove("QORGAU_STATS_THRESHOLD");
    command
}

/// `qorgau STORE ARGS`, in English, on the pinned clock.
pub fn qorgau(store: &TestStore, args: &[&str]) -> Run {
    run(store.command().args(args))
}

/// Runs `command` to its end: its exit code and what it printed.
pub fn run(command: &mut Command) -> Run {
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

// ---------------------------------------------------------------------------
// Servers

/// A `qorgau serve` process, SIGKILLed when dropped.
pub struct Server {
    child: Option<Child>,
    pub address: SocketAddr,
    store_args: Vec<String>,
    /// Flags of `serve` after `--addr` (e.g. `--demo`).
    serve_args: Vec<String>,
    env: Vec<(String, String)>,
    folder: PathBuf,
    starts: u32,
}

impl Server {
    /// Starts `qorgau serve` on `port` (0: any free port) and waits until it
    /// listens and its store answers.
    pub async fn start(store: &TestStore, port: u16, env: &[(&str, String)]) -> Server {
        Server::start_with(store, port, env, &[]).await
    }

    /// `start`, with more flags of `serve` (e.g. `--demo`).
    pub async fn start_with(
        store: &TestStore,
        port: u16,
        env: &[(&str, String)],
        serve_args: &[&str],
    ) -> Server {
        let mut server = Server {
            child: None,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
            store_args: store.args(),
            serve_args: serve_args.iter().map(|&arg| arg.to_owned()).collect(),
            env: env
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
            folder: store.folder().to_owned(),
            starts: 0,
        };
        server.launch(port).await;
        server
    }

    async fn launch(&mut self, port: u16) {
        // A port just released by a killed server can take a moment to be free.
        for attempt in 0.. {
            // One log per process, however many servers share the folder.
            static STARTS: AtomicU64 = AtomicU64::new(0);
            self.starts += 1;
            let number = STARTS.fetch_add(1, Ordering::Relaxed);
            let log = self.folder.join(format!("serve-{number}.log"));
            let file = std::fs::File::create(&log).unwrap();
            let child = command(&self.store_args, &self.folder)
                .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
                .args(&self.serve_args)
                .envs(self.env.iter().map(|(name, value)| (name, value)))
                .stdin(Stdio::null())
                .stdout(file.try_clone().unwrap())
                .stderr(file)
                .spawn()
                .unwrap();
            self.child = Some(child);
            match self.wait_listening(&log).await {
                Some(address) => {
                    self.address = address;
                    self.wait_healthy().await;
                    return;
                }
                None if attempt < 20 => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                None => panic!(
                    "qorgau serve did not start: {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
            }
        }
    }

    /// The address from "serving on http://…", or `None` when the process exited.
    async fn wait_listening(&mut self, log: &Path) -> Option<SocketAddr> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(rest) = text.split("http://").nth(1) {
                let address: String = rest
                    .chars()
                    .take_while(|character| character.is_ascii_digit() || ".:".contains(*character))
                    .collect();
                if let Ok(address) = address.parse() {
                    return Some(address);
                }
            }
            let child = self.child.as_mut().unwrap();
            if child.try_wait().unwrap().is_some() {
                self.child = None;
                return None;
            }
            assert!(
                Instant::now() < deadline,
                "qorgau serve did not listen within 30 s: {text}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(reply) = request(self.address, "GET", "/healthz", None, None).await
                && reply.status == 200
            {
                return;
            }
            assert!(Instant::now() < deadline, "qorgau serve is not healthy");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no drain, no clean close of the store.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, as an operator's `systemctl stop` sends it; the process is
    /// left to drain and exit by itself (see `wait_exit`).
    pub fn terminate(&self) {
        let child = self.child.as_ref().expect("the server is running");
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits (at most `limit`) for the process to exit by itself: its exit
    /// code, `None` when it was ended by a signal.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        let child = self.child.as_mut().expect("the server is running");
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                self.child = None;
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Starts the process again on the same store and port after it exited.
    pub async fn start_again(&mut self) {
        assert!(self.child.is_none(), "the server is still running");
        self.launch(self.address.port()).await;
    }

    /// Sets an environment variable for the next start.
    pub fn set_env(&mut self, name: &str, value: String) {
        self.env.retain(|(key, _)| key != name);
        self.env.push((name.to_owned(), value));
    }

    /// Kills the process and starts a new one on the same store and port.
    pub async fn restart(&mut self) {
        self.kill();
        self.launch(self.address.port()).await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------
// HTTP

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.body))
    }
}

/// One request on a fresh connection (`Connection: close`), at most 10 s.
/// Any failure — refused, reset, a response cut short, a timeout — is an
/// `Err`: the caller cannot know whether the server acted on the request.
pub async fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<Reply> {
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    let mut headers = Vec::new();
    if let Some(value) = &authorization {
        headers.push(("Authorization", value.as_str()));
    }
    if method == "POST" || method == "PUT" {
        headers.push(("Content-Type", "application/json"));
    }
    send(address, method, path, &headers, body.unwrap_or("")).await
}

/// A form posted as a browser posts it (`application/x-www-form-urlencoded`).
pub async fn post_form(
    address: SocketAddr,
    path: &str,
    fields: &[(&str, &str)],
) -> std::io::Result<Reply> {
    let body = qorgau_testkit::form_body(fields);
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    send(address, "POST", path, &headers, &body).await
}

async fn send(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Reply> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if method == "POST" || method == "PUT" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        head.push_str(body);
        stream.write_all(head.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        parse_response(&raw)
    };
    tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 10 s"))?
}

fn parse_response(raw: &[u8]) -> std::io::Result<Reply> {
    let broken = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let text = std::str::from_utf8(raw).map_err(|_| broken("not UTF-8"))?;
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| broken("no end of headers"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| broken("no status line"))?;
    let mut length = None;
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
            if name.trim().eq_ignore_ascii_case("transfer-encoding") {
                return Err(broken("chunked responses are not expected here"));
            }
        }
    }
    // A response cut short by a kill is not an answer.
    if length != Some(body.len()) {
        return Err(broken("the response was cut short"));
    }
    Ok(Reply {
        status,
        body: body.to_owned(),
    })
}

// ---------------------------------------------------------------------------
// Evidence capture, kept on this machine

/// A web server on 127.0.0.1 that answers every request with a small page
/// naming its path: what the evidence worker captures instead of the
/// reported sites (see `capture_here`). Runs until the test's runtime ends.
pub async fn page_server() -> SocketAddr {
    qorgau_testkit::site::html_site(|path| {
        (
            200,
            format!(
                "<!doctype html><html><head><title>{path}</title></head>\
                 <body><p>Posts about a pupil at {path}</p></body></html>"
            ),
        )
    })
    .await
}

/// The environment that runs the evidence worker and sends its captures of
/// every reported `https://` URL to `page_server` (test-only switches of
/// `serve`), so no test reaches the Internet.
pub fn capture_here(pages: SocketAddr) -> Vec<(&'static str, String)> {
    vec![
        ("QORGAU_JOBS", "4".to_owned()),
        ("QORGAU_CAPTURE_ALLOW_LOOPBACK", "1".to_owned()),
        (
            "QORGAU_CAPTURE_REWRITE",
            format!("https://=http://{pages}/"),
        ),
    ]
}

// ---------------------------------------------------------------------------
// Applications

/// An application marked with `token` (in its description), so the record
/// can be searched for what one request created. A few realistic variants.
pub fn application(token: &str, variant: usize) -> String {
    let form = match variant % 4 {
        0 => json!({
            "language": "ru",
            "applicant": {"name": "Айгуль Сериковна Ахметова", "relation": "parent",
                          "email": "aigul@example.kz", "phone": "+7 701 234 56 78"},
            "child": {"name": "Данияр Ахметов", "birth_date": "2012-04-15"},
            "resources": [{"url": "https://t.me/s/school_memes_kz?utm_source=share"},
                          {"url": "https://www.instagram.com/fake_daniyar/"}],
            "incidents": [
                {"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz",
                 "description": "Оскорбительный мем с фото ребёнка", "actor": "@mocker2026"},
                {"occurred_on": "2026-11-24", "resource_url": "https://instagram.com/fake_daniyar",
                 "description": "Фейковый аккаунт от имени ребёнка", "actor": "@mocker2026"}
            ],
            "description": format!("Одноклассники публикуют унизительные материалы о сыне. [{token}]")
        }),
        1 => json!({
            "language": "kk",
            "applicant": {"name": "Әсел Нұрланқызы", "relation": "child", "email": "asel@example.kz"},
            "child": {"name": "Әсел Нұрланқызы", "birth_date": "2010-09-02"},
            "resources": [{"url": "https://www.tiktok.com/@asel_fake_2010"}],
            "incidents": [
                {"occurred_on": "2026-11-18", "resource_url": "https://www.tiktok.com/@asel_fake_2010",
                 "description": "Менің атымнан жалған парақша"},
                {"occurred_on": "2026-11-27", "resource_url": "https://www.tiktok.com/@asel_fake_2010",
                 "description": "Қорлайтын видео"}
            ],
            "description": format!("Жалған парақша мені мазақ етеді. [{token}]")
        }),
        2 => json!({
            "language": "en",
            "applicant": {"name": "Erzhan Bolatuly", "relation": "citizen", "email": "erzhan@example.kz"},
            "child": {"name": "Timur", "birth_date": "2013-01-30"},
            "resources": [{"url": "https://vk.com/club_school_17"}],
            "incidents": [
                {"occurred_on": "2026-11-10", "resource_url": "https://vk.com/club_school_17",
                 "description": "Threats in the comments"}
            ],
            "description": format!("A school group keeps threatening a pupil. [{token}]")
        }),
        _ => json!({
            "language": "ru",
            "applicant": {"name": "Гульнара Касымова", "relation": "legal_representative",
                          "phone": "+7 777 123 45 67"},
            "child": {"name": "Алия", "birth_date": "2011-06-12"},
            "resources": [{"url": "https://t.me/aliya_leaks"}, {"url": "https://youtube.com/@aliya_leaks"}],
            "incidents": [
                {"occurred_on": "2026-11-01", "resource_url": "https://t.me/aliya_leaks",
                 "description": "Публикация личной переписки"},
                {"occurred_on": "2026-11-15", "resource_url": "https://youtube.com/@aliya_leaks",
                 "description": "Видео с насмешками"}
            ],
            "description": format!("Канал публикует личные данные девочки. [{token}]")
        }),
    };
    form.to_string()
}

/// What one `201 Created` promised.
#[derive(Debug, Clone)]
pub struct Acknowledged {
    pub token: String,
    pub case_id: String,
    pub access_code: String,
}

impl Acknowledged {
    pub fn from_reply(token: &str, reply: &Reply) -> Acknowledged {
        let body = reply.json();
        Acknowledged {
            token: token.to_owned(),
            case_id: body["case_id"].as_str().unwrap().to_owned(),
            access_code: body["access_code"].as_str().unwrap().to_owned(),
        }
    }
}

/// The acknowledged case loads through `address` with its access code.
pub async fn assert_loads(address: SocketAddr, acknowledged: &Acknowledged) {
    let path = format!("/api/v1/applications/{}", acknowledged.case_id);
    let reply = request(address, "GET", &path, Some(&acknowledged.access_code), None)
        .await
        .unwrap_or_else(|error| panic!("GET {path} on {address}: {error}"));
    assert_eq!(
        reply.status, 200,
        "{} ({}) acknowledged but not readable on {address}: {}",
        acknowledged.case_id, acknowledged.token, reply.body
    );
    assert_eq!(reply.json()["case_id"], acknowledged.case_id.as_str());
}

// ---------------------------------------------------------------------------
// The record afterwards

/// What the whole record holds, from `qorgau export -`.
pub struct Record {
    /// Case id → its event types in order.
    pub cases: BTreeMap<String, Vec<String>>,
    /// Token (from the description) → the cases carrying it.
    pub by_token: HashMap<String, Vec<String>>,
    /// What evidence jobs recorded: (event type, evidence id, attempt), once
    /// per event.
    pub job_effects: Vec<(String, String, u64)>,
    /// Case id → the distinct URLs its application reported.
    pub reported: BTreeMap<String, Vec<String>>,
    /// Case id → the URLs captured for it, one per `evidence_captured`.
    pub captured: BTreeMap<String, Vec<String>>,
    /// `cases_linked` events: links made automatically when an application
    /// shares an actor or a resource with earlier cases.
    pub links: u64,
    pub events: u64,
}

/// The events the evidence worker may add to a fresh case (its jobs' effects).
const JOB_EVENTS: [&str; 2] = ["evidence_captured", "capture_failed"];

/// The event intake records after registration when the application shares
/// an actor or a resource with earlier cases (automatic case links).
const LINK_EVENT: &str = "cases_linked";

/// `qorgau verify` passes; returns the number of entries it checked.
pub fn verify(store: &TestStore) -> u64 {
    let run = qorgau(store, &["verify"]).ok();
    run.stdout
        .split("intact: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("no event count in {:?}", run.stdout))
}

/// The record read back through `qorgau export -`.
pub fn export(store: &TestStore) -> Record {
    let run = qorgau(store, &["export", "-"]).ok();
    let mut record = Record {
        cases: BTreeMap::new(),
        by_token: HashMap::new(),
        job_effects: Vec::new(),
        reported: BTreeMap::new(),
        captured: BTreeMap::new(),
        links: 0,
        events: 0,
    };
    for line in run.stdout.lines() {
        let item: Value = serde_json::from_str(line).unwrap();
        if item["kind"] != "event" {
            continue;
        }
        record.events += 1;
        let case_id = item["case_id"].as_str().unwrap().to_owned();
        let event_type = item["event_type"].as_str().unwrap().to_owned();
        if event_type == "application_received" {
            let payload: Value = serde_json::from_str(item["payload"].as_str().unwrap()).unwrap();
            let description = payload["application"]["description"]
                .as_str()
                .unwrap_or_default();
            if let Some(token) = description
                .rsplit_once('[')
                .and_then(|(_, rest)| rest.strip_suffix(']'))
            {
                record
                    .by_token
                    .entry(token.to_owned())
                    .or_default()
                    .push(case_id.clone());
            }
            let mut urls: Vec<String> = payload["application"]["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|resource| resource["url"].as_str().map(str::to_owned))
                .collect();
            urls.sort_unstable();
            urls.dedup();
            record.reported.insert(case_id.clone(), urls);
        }
        if event_type == "evidence_captured" {
            let payload: Value = serde_json::from_str(item["payload"].as_str().unwrap()).unwrap();
            let url = payload["url"].as_str().unwrap_or_default().to_owned();
            record
                .captured
                .entry(case_id.clone())
                .or_default()
                .push(url);
        }
        if event_type == LINK_EVENT {
            record.links += 1;
        }
        if JOB_EVENTS.contains(&event_type.as_str()) {
            let payload: Value = serde_json::from_str(item["payload"].as_str().unwrap()).unwrap();
            record.job_effects.push((
                event_type.clone(),
                payload["evidence_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                payload["attempt"].as_u64().unwrap_or(0),
            ));
        }
        record.cases.entry(case_id).or_default().push(event_type);
    }
    record
}

impl Record {
    /// The events of applications: two per case (automatic links aside).
    pub fn application_events(&self) -> u64 {
        self.events - self.job_effects.len() as u64 - self.links
    }

    /// Every case is one application (received, then registered, nothing
    /// twice), no request made two cases, no job left the same effect twice
    /// (an evidence item captured twice, or one attempt's failure recorded
    /// twice), and the case numbers of each year run 1, 2, 3, … without a gap
    /// or a repeat.
    pub fn assert_whole(&self) {
        for (case_id, events) in &self.cases {
            assert_eq!(
                events[..2.min(events.len())],
                ["application_received", "application_registered"],
                "{case_id}"
            );
            for event in &events[2..] {
                assert!(
                    JOB_EVENTS.contains(&event.as_str()) || event == LINK_EVENT,
                    "{case_id}: {events:?}"
                );
            }
        }
        assert_eq!(self.application_events(), 2 * self.cases.len() as u64);
        let mut effects: Vec<_> = self
            .job_effects
            .iter()
            .map(|(kind, id, attempt)| match kind.as_str() {
                // A capture is recorded once, whichever attempt made it.
                "evidence_captured" => (kind, id, 0),
                _ => (kind, id, *attempt),
            })
            .collect();
        effects.sort_unstable();
        for pair in effects.windows(2) {
            assert_ne!(pair[0], pair[1], "a job ran twice to a visible effect");
        }
        for (token, cases) in &self.by_token {
            assert_eq!(cases.len(), 1, "request {token} made cases {cases:?}");
        }
        let mut numbers: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for case_id in self.cases.keys() {
            let mut parts = case_id.split('-');
            assert_eq!(parts.next(), Some("QG"), "{case_id}");
            let year = parts.next().unwrap().parse().unwrap();
            let number = parts.next().unwrap().parse().unwrap();
            numbers.entry(year).or_default().push(number);
        }
        for (year, mut numbers) in numbers {
            numbers.sort_unstable();
            let expected: Vec<u32> = (1..=numbers.len() as u32).collect();
            assert_eq!(numbers, expected, "case numbers of {year}");
        }
    }

    /// How many captures the reported URLs call for (one per distinct URL).
    pub fn captures_due(&self) -> usize {
        self.reported.values().map(Vec::len).sum()
    }

    /// Every reported URL of every case was captured exactly once.
    pub fn assert_captured_once(&self) {
        for (case_id, urls) in &self.reported {
            let mut captured = self.captured.get(case_id).cloned().unwrap_or_default();
            captured.sort_unstable();
            assert_eq!(&captured, urls, "captures of {case_id}");
        }
    }

    /// Each acknowledged application is exactly the case it was promised as.
    pub fn assert_holds(&self, acknowledged: &[Acknowledged]) {
        for promise in acknowledged {
            assert_eq!(
                self.by_token.get(&promise.token),
                Some(&vec![promise.case_id.clone()]),
                "acknowledged {promise:?}"
            );
        }
        let mut case_ids: Vec<&str> = acknowledged.iter().map(|a| a.case_id.as_str()).collect();
        case_ids.sort_unstable();
        let before = case_ids.len();
        case_ids.dedup();
        assert_eq!(case_ids.len(), before, "one case number acknowledged twice");
    }
}
