//! Evidence through the real binary: `qorgau init` creates the log key,
//! `qorgau serve` runs the job worker, which captures the URL an application
//! names from a local site without anyone acting; the receipt downloaded from
//! the API verifies offline with `qorgau receipt verify` (and a changed one
//! does not), the WARC passes `warcio check`, and after a clean stop
//! `qorgau verify` checks the transparency log and its signed checkpoint.
//! On the embedded store, or PostgreSQL with `QORGAU_TEST_STORE=postgres`.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{TestStore, qorgau, run};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PAGE: &str = "<!doctype html><html><head><meta charset=utf-8><title>Post</title></head>\
    <body><article><p>Nobody wants you here, everyone laughs at you. Do not come to school \
    tomorrow or the video goes to everyone.</p></article></body></html>";

/// A site on 127.0.0.1:0 answering every request with the post.
async fn site() -> SocketAddr {
    qorgau_testkit::site::one_page_site(PAGE).await
}

/// `qorgau serve` on a free port, SIGKILLed if the test fails before it
/// stops it.
struct Server {
    child: Option<Child>,
    address: SocketAddr,
}

impl Server {
    fn start(store: &TestStore, site: SocketAddr) -> Server {
        let mut child = store
            .command()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("QORGAU_CAPTURE_ALLOW_LOOPBACK", "1")
            .env(
                "QORGAU_CAPTURE_REWRITE",
                format!("https://evidence.test/=http://127.0.0.1:{}/", site.port()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://").nth(1) {
                    let address = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = sender.send(address);
                }
            }
        });
        let address = receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("qorgau serve did not start")
            .parse()
            .unwrap();
        Server {
            child: Some(child),
            address,
        }
    }

    /// SIGTERM: drain and exit 0.
    fn stop(mut self) {
        let mut child = self.child.take().unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = child.wait().unwrap();
        assert!(exit.success(), "qorgau serve exited with {exit}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One HTTP/1.1 exchange; the body as bytes.
async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<&Value>,
) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(token) = bearer {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if method == "POST" {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, raw[split + 4..].to_vec())
}

fn warcio() -> Option<PathBuf> {
    let warcio = PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/qorgau/venv/bin/warcio");
    if warcio.exists() {
        return Some(warcio);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "warcio is required in CI: {} is missing",
        warcio.display()
    );
    eprintln!("note: warcio is not installed; WARC validation skipped outside CI");
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capture_taken_by_the_service_has_a_receipt_the_binary_verifies_offline() {
    let store = TestStore::from_env("evidence");
    let folder = store.folder();
    let site = site().await;

    // `init` creates the log key, private to its owner.
    let init = run(store.command().arg("init"));
    assert_eq!(init.code, 0, "{}", init.stderr);
    assert!(init.stdout.contains("public key"), "{}", init.stdout);
    let key_file = store.log_key();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let printed = run(store.command().args(["log", "public-key"]));
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let public_key = printed.stdout.trim().to_owned();
    assert!(public_key.starts_with("qorgau.local/log+"), "{public_key}");

    let server = Server::start(&store, site);
    let url = "https://evidence.test/posts/7";
    let application = json!({
        "language": "en",
        "applicant": {"name": "A. Parent", "relation": "parent", "email": "parent@example.kz"},
        "child": {"name": "Child", "birth_date": "2013-03-03"},
        "resources": [{"url": url}],
        "incidents": [{"occurred_on": "2026-11-20", "resource_url": url, "description": "threats"}]
    });
    let (status, body) = http(
        server.address,
        "POST",
        "/api/v1/applications",
        None,
        Some(&application),
    )
    .await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let created: Value = serde_json::from_slice(&body).unwrap();
    let case_id = created["case_id"].as_str().unwrap().to_owned();
    let code = created["access_code"].as_str().unwrap().to_owned();

    // The worker captures it; nobody else does anything.
    let list = format!("/api/v1/applications/{case_id}/evidence");
    let mut item = Value::Null;
    for _ in 0..600 {
        let (status, body) = http(server.address, "GET", &list, Some(&code), None).await;
        assert_eq!(status, 200);
        let items: Vec<Value> = serde_json::from_slice(&body).unwrap();
        if let Some(found) = items.into_iter().find(|item| item["status"] == "ok") {
            item = found;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(item["kind"], "capture", "no capture: {item}");
    let id = item["id"].as_str().unwrap();

    // The key the service publishes is the one `qorgau log public-key` prints.
    let (_, served_key) = http(server.address, "GET", "/api/v1/log/public-key", None, None).await;
    assert_eq!(String::from_utf8(served_key).unwrap().trim(), public_key);

    // The WARC file passes the standard tool.
    let (status, warc) = http(
        server.address,
        "GET",
        &format!("{list}/{id}"),
        Some(&code),
        None,
    )
    .await;
    assert_eq!(status, 200);
    if let Some(warcio) = warcio() {
        let path = folder.join("capture.warc.gz");
        std::fs::write(&path, &warc).unwrap();
        let output = Command::new(warcio)
            .arg("check")
            .arg("-v")
            .arg(&path)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{report}");
        assert!(
            report.contains("digest pass") && !report.contains("fail"),
            "{report}"
        );
    }

    // The receipt verifies offline, with nothing but the file and the key.
    let (status, receipt) = http(
        server.address,
        "GET",
        &format!("{list}/{id}/receipt"),
        Some(&code),
        None,
    )
    .await;
    assert_eq!(status, 200);
    server.stop();
    let file = folder.join("receipt.json");
    std::fs::write(&file, &receipt).unwrap();
    let verified = run(store
        .command()
        .args(["receipt", "verify"])
        .arg(&file)
        .args(["--public-key", &public_key]));
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
    assert!(
        verified.stdout.contains(item["digest"].as_str().unwrap()),
        "{}",
        verified.stdout
    );
    // The key file works as well as the key text… the public one, that is:
    let key_text = folder.join("public.key");
    std::fs::write(&key_text, format!("{public_key}\n")).unwrap();
    let verified = run(store
        .command()
        .args(["receipt", "verify"])
        .arg(&file)
        .arg("--public-key")
        .arg(&key_text));
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    // Without a key, the receipt's own is used — the service wrote it in —
    // and named, to compare with the published one.
    let verified = run(store.command().args(["receipt", "verify"]).arg(&file));
    assert_eq!(verified.code, 0, "{}", verified.stderr);
    assert!(
        verified.stdout.contains(&public_key) && verified.stdout.contains("fingerprint"),
        "{}",
        verified.stdout
    );
    // …and a receipt with one changed character does not verify.
    let text = String::from_utf8(receipt).unwrap();
    let forged = text.replacen("\"log_index\": ", "\"log_index\": 1", 1);
    assert_ne!(forged, text);
    std::fs::write(&file, forged).unwrap();
    let refused = run(store
        .command()
        .args(["receipt", "verify"])
        .arg(&file)
        .args(["--public-key", &public_key]));
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);

    // `qorgau verify` checks the record, the log against it, and the signed
    // checkpoint the receipt was issued under.
    let verify = run(store.command().arg("verify"));
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    assert!(
        verify.stdout.contains("The case record is intact"),
        "{}",
        verify.stdout
    );
    assert!(
        verify.stdout.contains("1 of them evidence items"),
        "{}",
        verify.stdout
    );
    assert!(verify.stdout.contains("signature by"), "{}", verify.stdout);
    // …and every file the log commits to against the evidence store: the
    // WARC file, the page's fingerprint.
    assert!(
        verify.stdout.contains("in the evidence store and intact"),
        "{}",
        verify.stdout
    );

    // A kept file changed on disk, then gone: `qorgau verify` names it, its
    // case and the entry that recorded it, and fails.
    let digest = item["digest"].as_str().unwrap();
    let hex = digest.strip_prefix("sha256:").unwrap();
    let blob = store.blobs().join("sha256").join(&hex[..2]).join(hex);
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&blob, &bytes).unwrap();
    let damaged = run(store.command().arg("verify"));
    assert_eq!(damaged.code, 1, "{}{}", damaged.stdout, damaged.stderr);
    assert!(
        damaged
            .stderr
            .contains(&format!("Evidence file {digest} is damaged"))
            && damaged.stderr.contains(&case_id),
        "{}",
        damaged.stderr
    );
    std::fs::remove_file(&blob).unwrap();
    let missing = run(store.command().arg("verify"));
    assert_eq!(missing.code, 1, "{}{}", missing.stdout, missing.stderr);
    assert!(
        missing
            .stderr
            .contains(&format!("Evidence file {digest} is missing")),
        "{}",
        missing.stderr
    );
    // Pointed at a folder with no evidence store, it says what it did not
    // check (an operator running it away from the files) and creates nothing.
    std::fs::rename(store.blobs(), folder.join("moved-away")).unwrap();
    let unchecked = run(store.command().arg("verify"));
    assert_eq!(
        unchecked.code, 0,
        "{}{}",
        unchecked.stdout, unchecked.stderr
    );
    assert!(
        unchecked.stdout.contains("they were not checked"),
        "{}",
        unchecked.stdout
    );
    assert!(!store.blobs().exists());
}

/// `QORGAU_CAPTURE_PORTS` / `--capture-ports`: numbers from 1 to 65535,
/// comma-separated; anything else stops `serve` before the store opens,
/// naming the variable, in the operator's language.
#[test]
fn serve_refuses_capture_ports_that_are_not_ports() {
    let store = TestStore::embedded();
    for bad in ["0", "80,65536", "80;443", "", "http"] {
        let refused = qorgau(
            &store,
            &["serve", "--addr", "127.0.0.1:0", "--capture-ports", bad],
        )
        .fails(2);
        assert!(
            refused.stderr.contains("QORGAU_CAPTURE_PORTS")
                && refused.stderr.contains("from 1 to 65535"),
            "{bad}: {}",
            refused.stderr
        );
    }
    let refused = run(store
        .command()
        .args(["--lang", "kk", "serve", "--addr", "127.0.0.1:0"])
        .env("QORGAU_CAPTURE_PORTS", "80,99999"));
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("QORGAU_CAPTURE_PORTS") && refused.stderr.contains("«99999»"),
        "{}",
        refused.stderr
    );
    assert!(!store.exists(), "nothing was created");
}
