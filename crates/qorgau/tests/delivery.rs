//! Orders that reach the owner and are enforced, letters that reach the
//! applicant — through the real binary, a real SMTP sink (aiosmtpd) and a
//! webhook receiver that verifies signatures with the official
//! `standardwebhooks` library, all on loopback (issue 5's "Done when").
//!
//! The clock is pinned (`QORGAU_TEST_NOW`) and moved by restarting the
//! server, which is also the crash test: the server is SIGKILLed with a
//! webhook delivery pending and, after the restart, delivers it once.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Server, TestStore, capture_here, page_server, qorgau, request};
use serde_json::{Value, json};

fn venv_python() -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/qorgau/venv/bin/python");
    python.exists().then_some(python)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

fn tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools")
}

/// A python helper, killed when dropped.
struct Helper(Child);

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_port(port: u16) {
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "port {port} never opened"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn smtp_sink(python: &Path, port: u16, folder: &Path) -> Helper {
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "smtp_sink.SaveToFolder"])
        .arg(folder)
        .env(
            "PYTHONPATH",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../qorgau-delivery/tests"),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port).await;
    Helper(child)
}

async fn webhook_sink(
    python: &Path,
    port: u16,
    secret_file: &Path,
    now_file: &Path,
    out: &Path,
    fail_first: u32,
) -> Helper {
    let child = Command::new(python)
        .arg(tools().join("webhook_sink.py"))
        .args(["--port", &port.to_string()])
        .args(["--fail-first", &fail_first.to_string()])
        .arg("--now-file")
        .arg(now_file)
        .arg("--secret-file")
        .arg(secret_file)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_port(port).await;
    Helper(child)
}

/// The letters in the sink so far, parsed by Python's own e-mail parser.
fn letters(python: &Path, folder: &Path) -> Vec<Value> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let output = Command::new(python)
                .arg(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../qorgau-delivery/tests/smtp_sink.py"),
                )
                .arg("parse")
                .arg(path)
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let mut summary: Value = serde_json::from_slice(&output.stdout).unwrap();
            summary["path"] = json!(path.display().to_string());
            summary
        })
        .collect()
}

fn received(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Waits until `check` holds, at most 30 s.
async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = check() {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the cases' records hold every notice that reached its
/// receiver: the webhooks answered 204 and the letters in the mailbox (staff
/// reminders aside, recorded as reminders). The worker records a notice after
/// it arrives, and the webhook sink writes its entry before it answers, so a
/// kill in between sends the notice again after the restart, with the same
/// `webhook-id` and Message-ID (at-least-once delivery; receivers
/// de-duplicate, docs/delivery.md). The test moves the clock by killing only
/// after this, so "every message arrived once" fails only on a real duplicate.
async fn wait_recorded(
    store: &TestStore,
    case_ids: &[&str],
    python: &Path,
    mailbox: &Path,
    out: &Path,
) {
    let mut arrived: Vec<String> = received(out)
        .iter()
        .filter(|entry| entry["status"] == 204)
        .map(|entry| entry["webhook_id"].as_str().unwrap().to_owned())
        .collect();
    for letter in letters(python, mailbox) {
        // `<qorgau.{delivery_id}@{domain}>`
        let message_id = letter["message_id"].as_str().unwrap();
        let delivery_id = message_id
            .strip_prefix("<qorgau.")
            .and_then(|rest| rest.split_once('@'))
            .unwrap_or_else(|| panic!("Message-ID {message_id}"))
            .0;
        if !delivery_id.starts_with("rem_") {
            arrived.push(delivery_id.to_owned());
        }
    }
    eventually("every notice that arrived is recorded", || {
        let mut recorded = Vec::new();
        for case_id in case_ids {
            let run = qorgau(store, &["case", "show", case_id, "--json"]).ok();
            let document: Value = serde_json::from_str(&run.stdout).unwrap();
            for notice in document["state"]["notices"].as_array().unwrap() {
                recorded.push(notice["delivery_id"].as_str().unwrap().to_owned());
            }
        }
        arrived
            .iter()
            .all(|delivery_id| recorded.contains(delivery_id))
            .then_some(())
    })
    .await;
}

fn after_line(stdout: &str, marker: &str) -> String {
    stdout
        .lines()
        .find_map(|line| {
            line.split_once(marker)
                .map(|(_, rest)| rest.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no `{marker}` in: {stdout}"))
}

async fn token(address: std::net::SocketAddr, username: &str, password: &str) -> String {
    let body = json!({"username": username, "password": password}).to_string();
    let reply = request(address, "POST", "/api/v1/auth/token", None, Some(&body))
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["token"].as_str().unwrap().to_owned()
}

fn pdf_text(pdf: &[u8], folder: &Path) -> String {
    let path = folder.join("order.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_case_reaches_the_owner_and_the_applicant_and_non_compliance_escalates() {
    let Some(python) = venv_python() else {
        assert!(
            !in_ci(),
            "the venv with aiosmtpd and standardwebhooks is required in CI"
        );
        eprintln!("note: the python venv is missing; delivery end-to-end test skipped outside CI");
        return;
    };
    let store = TestStore::from_env("delivery");
    let folder = store.folder().to_owned();
    let mailbox = folder.join("mailbox");
    std::fs::create_dir_all(&mailbox).unwrap();

    qorgau(&store, &["init"]).ok();
    // The people: a coordinator, three experts, the owner of one site.
    let mut passwords = Vec::new();
    for (user, role, chair) in [
        ("coord", "coordinator", false),
        ("e1", "expert", false),
        ("e2", "expert", false),
        ("chair", "expert", true),
    ] {
        let mut args = vec!["staff", "add", user, "--name", user, "--role", role];
        if chair {
            args.push("--chair");
        }
        if user == "coord" {
            args.extend(["--email", "coord@authority.example"]);
        }
        qorgau(&store, &args).ok();
        let run = qorgau(&store, &["staff", "set-password", user]).ok();
        passwords.push((user, after_line(&run.stdout, "(shown once):")));
    }
    let run = qorgau(
        &store,
        &[
            "owner",
            "add",
            "bully.example",
            "--display-name",
            "Bully Example LLP — Қазақстандағы өкілі",
            "--domain",
            "bully.example",
            "--email",
            "orders@bully.example",
        ],
    )
    .ok();
    let api_key = after_line(&run.stdout, "(shown once):");
    assert_eq!(
        qorgau(
            &store,
            &[
                "owner",
                "add",
                "x",
                "--display-name",
                "X",
                "--email",
                "not an address"
            ]
        )
        .code,
        2,
        "a malformed owner address is refused"
    );

    let pages = page_server().await;
    let smtp_port = free_port();
    let _smtp = smtp_sink(&python, smtp_port, &mailbox).await;
    let mut env = capture_here(pages);
    env.push(("QORGAU_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")));
    env.push(("QORGAU_MAIL_FROM", "qorgau@authority.example".to_owned()));
    env.push(("QORGAU_PUBLIC_URL", "https://qorgau.example".to_owned()));
    let mut server = Server::start(&store, 0, &env).await;
    let address = server.address;

    // The owner registers a webhook; the receiver is not up yet.
    let hook_port = free_port();
    let refused = request(
        address,
        "PUT",
        "/api/v1/owner/webhook",
        Some(&api_key),
        Some(&json!({"url": "ftp://127.0.0.1/hook"}).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.json()["errors"][0]["field"], "url");
    let registered = request(
        address,
        "PUT",
        "/api/v1/owner/webhook",
        Some(&api_key),
        Some(&json!({"url": format!("http://127.0.0.1:{hook_port}/hook")}).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(registered.status, 200, "{}", registered.body);
    let secret = registered.json()["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let secret_file = folder.join("secret.txt");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();

    // An application in Russian with the applicant's address.
    let url = "https://bully.example/posts/42";
    let application = json!({
        "language": "ru",
        "applicant": {"name": "Айгуль Ахметова", "relation": "parent",
                      "email": "parent@family.example", "phone": "+7 701 234 56 78"},
        "child": {"name": "Данияр", "birth_date": "2012-04-15"},
        "resources": [{"url": url}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": url, "description": "Оскорбления"},
            {"occurred_on": "2026-11-24", "resource_url": url, "description": "Снова оскорбления"}
        ],
        "description": "Одноклассники публикуют унизительные посты."
    })
    .to_string();
    let reply = request(
        address,
        "POST",
        "/api/v1/applications",
        None,
        Some(&application),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 201, "{}", reply.body);
    let case_id = reply.json()["case_id"].as_str().unwrap().to_owned();
    // A second application that nobody decides: its deadlines come closer.
    let pending = application.replace("Одноклассники", "Соседи");
    let reply = request(
        address,
        "POST",
        "/api/v1/applications",
        None,
        Some(&pending),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 201, "{}", reply.body);
    let undecided = reply.json()["case_id"].as_str().unwrap().to_owned();

    // The group confirms; the decision issues the order at once.
    confirm(address, &passwords, &case_id, "Систематические оскорбления").await;
    let order_id = format!("{case_id}-1");

    // Within seconds: the order in the owner's mailbox, with its PDF in
    // Kazakh and Russian; the letter in the applicant's, in Russian.
    let mail = eventually("the order and the letter are mailed", || {
        let found = letters(&python, &mailbox);
        (found.len() >= 2).then_some(found)
    })
    .await;
    let to_owner = mail
        .iter()
        .find(|letter| {
            letter["to"]
                .as_str()
                .is_some_and(|to| to.contains("orders@bully.example"))
        })
        .unwrap_or_else(|| panic!("no letter to the owner: {mail:#?}"));
    let to_parent = mail
        .iter()
        .find(|letter| {
            letter["to"]
                .as_str()
                .is_some_and(|to| to.contains("parent@family.example"))
        })
        .unwrap_or_else(|| panic!("no letter to the applicant: {mail:#?}"));
    let attachment = &to_owner["attachments"][0];
    assert_eq!(attachment["content_type"], "application/pdf");
    let pdf = std::fs::read(
        folder.join("mailbox").join(
            Path::new(to_owner["path"].as_str().unwrap())
                .file_name()
                .unwrap(),
        ),
    )
    .unwrap();
    let pdf = extract_pdf(&python, &pdf);
    let text = pdf_text(&pdf, &folder);
    assert!(text.contains(url), "{text}");
    assert!(text.contains(&order_id), "{text}");
    for letter in ['Қ', 'Ө', 'ү', 'і'] {
        assert!(
            text.contains(letter),
            "{letter} missing from the order's text: {text}"
        );
    }
    for word in ["ПРЕДПИСАНИЕ", "НҰСҚАМА"] {
        assert!(text.to_uppercase().contains(word), "{word} missing: {text}");
    }
    assert!(
        !text.contains("Данияр") && !text.contains("Ахметова"),
        "the order names nobody"
    );
    // The document names where anyone can check it; the check confirms it.
    let marker = format!("/verify/{order_id}/");
    let code: String = text
        .split(&marker)
        .nth(1)
        .unwrap_or_else(|| panic!("no verification address in {text}"))
        .chars()
        .take(14)
        .collect();
    let page = request(
        address,
        "GET",
        &format!("/verify/{order_id}/{code}?lang=en"),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("genuine") && !page.body.contains("Данияр"));
    let forged = request(
        address,
        "GET",
        &format!("/verify/{order_id}/AAAA-AAAA-AAAA"),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(forged.status, 404);
    let parent_text = to_parent["texts"].to_string();
    assert!(parent_text.contains(&case_id), "{parent_text}");
    // In the case's language (Russian), and only in it.
    assert!(
        parent_text.contains("Ответ на ваше обращение"),
        "{parent_text}"
    );
    assert!(
        !parent_text.contains("Өтінішіңізге жауап") && !parent_text.contains("Сіздің"),
        "the letter is in the case's language"
    );

    // The webhook could not be delivered (nobody listening): the server dies
    // with it pending. The receiver comes up; an hour later the retry is due.
    let out = folder.join("webhooks.json");
    let cases = [case_id.as_str(), undecided.as_str()];
    wait_recorded(&store, &cases, &python, &mailbox, &out).await;
    server.kill();
    let now_file = folder.join("now.txt");
    std::fs::write(&now_file, "2026-12-02T11:00:00+05:00").unwrap();
    let _hooks = webhook_sink(&python, hook_port, &secret_file, &now_file, &out, 0).await;
    server.set_env("QORGAU_TEST_NOW", "2026-12-02T11:00:00+05:00".to_owned());
    server.restart().await;
    let issued = eventually("order.issued arrives once, signed", || {
        let seen = received(&out);
        seen.iter()
            .any(|entry| entry["type"] == "order.issued")
            .then_some(seen)
    })
    .await;
    assert!(
        issued.iter().all(|entry| entry["verified"] == true),
        "{issued:#?}"
    );
    assert_eq!(issued[0]["data"]["order_id"], order_id.as_str());
    assert!(issued[0]["data"]["urls"][0] == url);
    assert!(issued[0]["data"].get("child").is_none());

    // The owner ignores it. A day later the deadline passes: the re-capture
    // finds the page, non-compliance is recorded, and the ladder's first
    // step (a reminder) goes out; a day after that, the repeated order.
    // Two days later (72 hours after the deadline) the administrative-offence
    // record.
    for (now, step_type, kind) in [
        ("2026-12-03T11:00:00+05:00", "order.reminder", "reminder"),
        (
            "2026-12-04T11:30:00+05:00",
            "order.escalated",
            "repeated_order",
        ),
        (
            "2026-12-06T11:30:00+05:00",
            "order.escalated",
            "administrative_offence",
        ),
    ] {
        wait_recorded(&store, &cases, &python, &mailbox, &out).await;
        server.kill();
        std::fs::write(&now_file, now).unwrap();
        server.set_env("QORGAU_TEST_NOW", now.to_owned());
        server.restart().await;
        eventually(&format!("{step_type} ({kind}) at {now}"), || {
            received(&out)
                .iter()
                .any(|entry| {
                    entry["type"] == step_type
                        && entry["verified"] == true
                        && entry["data"]["escalation"]["kind"] == kind
                })
                .then_some(())
        })
        .await;
    }

    // Each step's document went to the owner's mailbox too, each its own:
    // the letter is a job of its own beside the webhook, so the last one may
    // arrive a moment after the last webhook.
    let to_owner = eventually(
        "the order, the reminder, the repeated order, the offence record by mail",
        || {
            let letters = letters_to(&python, &mailbox, "orders@bully.example");
            (letters.len() >= 4).then_some(letters)
        },
    )
    .await;
    assert_eq!(
        to_owner.len(),
        4,
        "the order, the reminder, the repeated order, the offence record"
    );
    let headings = [
        "НАПОМИНАНИЕ ОБ ИСПОЛНЕНИИ ПРЕДПИСАНИЯ",
        "ПОВТОРНОЕ ПРЕДПИСАНИЕ",
        "УВЕДОМЛЕНИЕ ОБ АДМИНИСТРАТИВНОМ ПРАВОНАРУШЕНИИ",
    ];
    for (letter, heading) in to_owner[1..].iter().zip(headings) {
        let text = attachment_text(&python, letter, &folder);
        assert!(
            text.contains(&format!("{heading} № {order_id}")),
            "{heading}: {text}"
        );
    }
    // The offence's record, as its webhook says: no regime confirms a fine
    // for an owner, so the record leaves it to the body hearing the case and
    // states no amount.
    let record = attachment_text(&python, &to_owner[3], &folder);
    for fact in [
        "ӘКІМШІЛІК ҚҰҚЫҚ БҰЗУШЫЛЫҚ ТУРАЛЫ ХАБАРЛАМА",
        "Айыппұлдың мөлшерін әкімшілік құқық бұзушылық туралы істі қарайтын орган белгілейді.",
        "Размер штрафа устанавливает орган, рассматривающий дело об административном правонарушении.",
    ] {
        assert!(record.contains(fact), "{fact} missing: {record}");
    }
    assert!(
        !record.contains("МРП") && !record.contains("ПОВТОРНОЕ ПРЕДПИСАНИЕ"),
        "{record}"
    );

    // A day before the undecided case's decision deadline the coordinator
    // (who gave an address) is reminded, once per deadline.
    wait_recorded(&store, &cases, &python, &mailbox, &out).await;
    server.kill();
    std::fs::write(&now_file, "2026-12-07T01:00:00+05:00").unwrap();
    server.set_env("QORGAU_TEST_NOW", "2026-12-07T01:00:00+05:00".to_owned());
    server.restart().await;
    let reminders = eventually("the coordinator is reminded", || {
        let found: Vec<Value> = letters(&python, &mailbox)
            .into_iter()
            .filter(|letter| {
                letter["to"]
                    .as_str()
                    .is_some_and(|to| to.contains("coord@authority.example"))
            })
            .collect();
        (!found.is_empty()).then_some(found)
    })
    .await;
    assert!(
        reminders[0]["subject"]
            .as_str()
            .unwrap()
            .contains(&undecided),
        "{reminders:#?}"
    );

    // Every logical message arrived once: one webhook-id, one 2xx each.
    let seen = received(&out);
    let mut ids: Vec<&str> = seen
        .iter()
        .filter(|entry| entry["status"] == 204)
        .map(|entry| entry["webhook_id"].as_str().unwrap())
        .collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "a message delivered twice: {seen:#?}");

    // The record shows each delivery, and the chain verifies.
    server.kill();
    let run = qorgau(&store, &["case", "show", &case_id, "--json"]);
    let timeline = run.stdout;
    for kind in [
        "notice_delivered",
        "order_delivered",
        "order_not_complied",
        "escalation_step_taken",
        "response_sent",
    ] {
        assert!(timeline.contains(kind), "{kind} missing from {timeline}");
    }
    let pending_timeline = qorgau(&store, &["case", "show", &undecided, "--json"]).stdout;
    assert!(
        pending_timeline.contains("staff_reminded"),
        "{pending_timeline}"
    );
    qorgau(&store, &["verify"]).ok();
}

/// The attachment's bytes, decoded by Python's e-mail parser.
fn extract_pdf(python: &Path, eml: &[u8]) -> Vec<u8> {
    let script = "import sys, email, email.policy\n\
                  m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)\n\
                  for p in m.walk():\n    \
                      if p.get_content_disposition() == 'attachment':\n        \
                          sys.stdout.buffer.write(p.get_payload(decode=True)); break\n";
    let mut child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(eml).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    output.stdout
}

/// A page that is there until `removed` is set, then answers 404 (the owner
/// took it down).
async fn removable_page() -> (std::net::SocketAddr, Arc<AtomicBool>) {
    let removed = Arc::new(AtomicBool::new(false));
    let gone = removed.clone();
    let address = qorgau_testkit::site::html_site(move |_| {
        if gone.load(Ordering::SeqCst) {
            (404, "<html><body>Not found</body></html>".to_owned())
        } else {
            (
                200,
                "<html><body><p>Posts mocking a pupil, again and again.</p></body></html>"
                    .to_owned(),
            )
        }
    })
    .await;
    (address, removed)
}

/// The letters to `address` in the sink, in the order they arrived.
fn letters_to(python: &Path, mailbox: &Path, address: &str) -> Vec<Value> {
    let mut found: Vec<Value> = letters(python, mailbox)
        .into_iter()
        .filter(|letter| letter["to"].as_str().is_some_and(|to| to.contains(address)))
        .collect();
    // The sink numbers its files 1.eml, 2.eml, …: sort by that number.
    found.sort_by_key(|letter| {
        Path::new(letter["path"].as_str().unwrap())
            .file_stem()
            .and_then(|stem| stem.to_str())
            .and_then(|stem| stem.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    });
    found
}

/// The text of a letter's PDF attachment, read back with `pdftotext`, its
/// whitespace runs (line and page breaks) made single spaces so a wrapped
/// heading reads whole.
fn attachment_text(python: &Path, letter: &Value, folder: &Path) -> String {
    let eml = std::fs::read(letter["path"].as_str().unwrap()).unwrap();
    pdf_text(&extract_pdf(python, &eml), folder)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Issue 5's "Done when" with the receivers up the whole time: confirming a
/// case makes the order arrive signed at the owner's live webhook within
/// seconds (verified by the official `standardwebhooks` library) and in its
/// mailbox; the owner removes the content, Qorgau verifies it, and the
/// order's closure arrives as `order.closed` and as a closure notice — not
/// the order again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_receiver_gets_the_order_within_seconds_and_the_closure_when_removal_is_verified() {
    let Some(python) = venv_python() else {
        assert!(
            !in_ci(),
            "the venv with aiosmtpd and standardwebhooks is required in CI"
        );
        eprintln!("note: the python venv is missing; live delivery test skipped outside CI");
        return;
    };
    let store = TestStore::from_env("delivery-live");
    let folder = store.folder().to_owned();
    let mailbox = folder.join("mailbox");
    std::fs::create_dir_all(&mailbox).unwrap();
    qorgau(&store, &["init"]).ok();
    let (passwords, api_key) = people(&store, Some("orders@bully.example"));

    // Every receiver is up before the server: the sink, the owner's webhook
    // receiver (on the server's pinned clock), the page.
    let (pages, removed) = removable_page().await;
    let smtp_port = free_port();
    let _smtp = smtp_sink(&python, smtp_port, &mailbox).await;
    let hook_port = free_port();
    let secret_file = folder.join("secret.txt");
    std::fs::write(&secret_file, "").unwrap();
    let now_file = folder.join("now.txt");
    std::fs::write(&now_file, common::NOW).unwrap();
    let out = folder.join("webhooks.json");
    let _hooks = webhook_sink(&python, hook_port, &secret_file, &now_file, &out, 0).await;
    let mut env = capture_here(pages);
    env.push(("QORGAU_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")));
    env.push(("QORGAU_MAIL_FROM", "qorgau@authority.example".to_owned()));
    env.push(("QORGAU_PUBLIC_URL", "https://qorgau.example".to_owned()));
    let server = Server::start(&store, 0, &env).await;
    let address = server.address;

    let registered = request(
        address,
        "PUT",
        "/api/v1/owner/webhook",
        Some(&api_key),
        Some(&json!({"url": format!("http://127.0.0.1:{hook_port}/hook")}).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(registered.status, 200, "{}", registered.body);
    let secret = registered.json()["secret"].as_str().unwrap().to_owned();
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();

    let url = "https://bully.example/posts/7";
    let application = json!({
        "language": "kk",
        "applicant": {"name": "Әсел Нұрланқызы", "relation": "parent",
                      "email": "asel@family.example"},
        "child": {"name": "Ерасыл", "birth_date": "2013-03-03"},
        "resources": [{"url": url}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": url, "description": "Мазақ"},
            {"occurred_on": "2026-11-24", "resource_url": url, "description": "Тағы мазақ"}
        ]
    })
    .to_string();
    let reply = request(
        address,
        "POST",
        "/api/v1/applications",
        None,
        Some(&application),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 201, "{}", reply.body);
    let case_id = reply.json()["case_id"].as_str().unwrap().to_owned();
    let order_id = format!("{case_id}-1");
    // Timed from before the votes: the bound below covers the decision and more.
    let confirmed = Instant::now();
    confirm(address, &passwords, &case_id, "Жүйелі қорлау").await;

    // Within seconds, signed: polled, at most the bound below.
    let issued = eventually("order.issued arrives at the live receiver", || {
        received(&out)
            .into_iter()
            .find(|entry| entry["type"] == "order.issued")
    })
    .await;
    let took = confirmed.elapsed();
    assert!(took < Duration::from_secs(10), "order.issued took {took:?}");
    assert_eq!(issued["verified"], true, "{issued}");
    assert_eq!(issued["status"], 204);
    assert_eq!(issued["data"]["order_id"], order_id.as_str());
    assert_eq!(issued["data"]["urls"][0], url);

    // The mailbox: the order (kk + ru) to the owner, the letter in Kazakh —
    // the case's language — to the applicant.
    let orders = eventually("the order is mailed", || {
        let found = letters_to(&python, &mailbox, "orders@bully.example");
        (!found.is_empty()).then_some(found)
    })
    .await;
    let order_text = attachment_text(&python, &orders[0], &folder);
    assert!(
        order_text.contains(&format!("НҰСҚАМА № {order_id}"))
            && order_text.contains(&format!("ПРЕДПИСАНИЕ № {order_id}")),
        "{order_text}"
    );
    // Mailed before it was delivered: the deadline runs from receipt.
    assert!(order_text.contains("с момента получения"), "{order_text}");
    let letter = eventually("the letter is mailed", || {
        letters_to(&python, &mailbox, "asel@family.example")
            .into_iter()
            .next()
    })
    .await;
    let letter_text = letter["texts"].to_string();
    assert!(letter_text.contains("Өтінішіңізге жауап"), "{letter_text}");
    assert!(
        !letter_text.contains("Ответ на ваше обращение")
            && !letter_text.contains("Response to your application"),
        "{letter_text}"
    );

    // The owner takes the page down and reports it; the re-capture finds it
    // gone and the order is closed.
    removed.store(true, Ordering::SeqCst);
    let reply = request(
        address,
        "POST",
        &format!("/api/v1/orders/{order_id}/removal"),
        Some(&api_key),
        Some(&json!({"removed_urls": [url], "note": "Жойылды"}).to_string()),
    )
    .await
    .unwrap();
    assert!(reply.status == 200 || reply.status == 201, "{}", reply.body);
    let closed = eventually("order.closed arrives", || {
        received(&out)
            .into_iter()
            .find(|entry| entry["type"] == "order.closed")
    })
    .await;
    assert_eq!(closed["verified"], true, "{closed}");
    assert_eq!(closed["data"]["order_id"], order_id.as_str());
    assert_eq!(closed["data"]["closed_reason"], "removal_verified");
    assert!(closed["data"]["removal_due"].is_string(), "{closed}");

    // The closure's letter is a closure notice, not the order again.
    let owner_letters = eventually("the closure is mailed", || {
        let found = letters_to(&python, &mailbox, "orders@bully.example");
        (found.len() >= 2).then_some(found)
    })
    .await;
    assert_eq!(owner_letters.len(), 2, "{owner_letters:#?}");
    let closure = &owner_letters[1];
    let subject = closure["subject"].as_str().unwrap();
    assert!(
        subject.contains("Нұсқаманың жабылғаны туралы хабарлама")
            && subject.contains("Уведомление о закрытии предписания"),
        "{subject}"
    );
    assert_eq!(
        closure["attachments"][0]["filename"],
        format!("{order_id}-closed.pdf")
    );
    let closure_text = attachment_text(&python, closure, &folder);
    for fact in [
        format!("НҰСҚАМАНЫҢ ЖАБЫЛҒАНЫ ТУРАЛЫ ХАБАРЛАМА № {order_id}"),
        format!("УВЕДОМЛЕНИЕ О ЗАКРЫТИИ ПРЕДПИСАНИЯ № {order_id}"),
        "Удаление подтверждено".to_owned(),
        // The pinned clock: verified at 10:00 Almaty on 2 December.
        "02.12.2026, 10:00".to_owned(),
        url.to_owned(),
    ] {
        assert!(
            closure_text.contains(&fact),
            "{fact} missing: {closure_text}"
        );
    }
    for order_only in [
        format!("НҰСҚАМА № {order_id}"),
        format!("ПРЕДПИСАНИЕ № {order_id}"),
        "Срок удаления".to_owned(),
        "Ерасыл".to_owned(),
        "Нұрланқызы".to_owned(),
    ] {
        assert!(
            !closure_text.contains(&order_only),
            "{order_only} in the closure notice: {closure_text}"
        );
    }

    // Each logical message once, each with its own webhook-id.
    let seen = received(&out);
    let mut ids: Vec<&str> = seen
        .iter()
        .map(|entry| entry["webhook_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        seen.iter()
            .map(|entry| entry["type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["order.issued", "order.closed"],
        "{seen:#?}"
    );
    ids.dedup();
    assert_eq!(ids.len(), 2);
}

/// A coordinator, three experts and the owner of bully.example (with
/// `owner_email` as its mailbox, if given); their passwords and the owner's
/// API key.
fn people(store: &TestStore, owner_email: Option<&str>) -> (Vec<(&'static str, String)>, String) {
    let mut passwords = Vec::new();
    for (user, role, chair) in [
        ("coord", "coordinator", false),
        ("e1", "expert", false),
        ("e2", "expert", false),
        ("chair", "expert", true),
    ] {
        let mut args = vec!["staff", "add", user, "--name", user, "--role", role];
        if chair {
            args.push("--chair");
        }
        qorgau(store, &args).ok();
        let run = qorgau(store, &["staff", "set-password", user]).ok();
        passwords.push((user, after_line(&run.stdout, "(shown once):")));
    }
    let mut args = vec![
        "owner",
        "add",
        "bully.example",
        "--display-name",
        "Bully Example LLP",
        "--domain",
        "bully.example",
    ];
    if let Some(email) = owner_email {
        args.extend(["--email", email]);
    }
    let run = qorgau(store, &args).ok();
    (passwords, after_line(&run.stdout, "(shown once):"))
}

/// Files an application about `url`; the experts confirm and the
/// coordinator decides. The case's id.
async fn confirmed_case(
    address: std::net::SocketAddr,
    passwords: &[(&str, String)],
    url: &str,
) -> String {
    let application = json!({
        "language": "ru",
        "applicant": {"name": "Заявитель", "relation": "citizen", "phone": "+7 701 234 56 78"},
        "child": {"name": "Ребёнок", "birth_date": "2013-03-03"},
        "resources": [{"url": url}],
        "incidents": [
            {"occurred_on": "2026-11-20", "resource_url": url, "description": "Насмешки"},
            {"occurred_on": "2026-11-24", "resource_url": url, "description": "Снова насмешки"}
        ]
    })
    .to_string();
    let reply = request(
        address,
        "POST",
        "/api/v1/applications",
        None,
        Some(&application),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 201, "{}", reply.body);
    let case_id = reply.json()["case_id"].as_str().unwrap().to_owned();
    confirm(address, passwords, &case_id, "Систематические насмешки").await;
    case_id
}

/// Every expert (`passwords[1..]`) votes to confirm with `reasons`; the
/// coordinator (`passwords[0]`) decides, which issues the orders at once.
async fn confirm(
    address: std::net::SocketAddr,
    passwords: &[(&str, String)],
    case_id: &str,
    reasons: &str,
) {
    for (user, password) in &passwords[1..] {
        let staff = token(address, user, password).await;
        let vote = json!({"vote": "confirm", "category": "cyberbullying", "reasons": reasons});
        let reply = request(
            address,
            "POST",
            &format!("/api/v1/cases/{case_id}/votes"),
            Some(&staff),
            Some(&vote.to_string()),
        )
        .await
        .unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let coordinator = token(address, passwords[0].0, &passwords[0].1).await;
    let reply = request(
        address,
        "POST",
        &format!("/api/v1/cases/{case_id}/decision"),
        Some(&coordinator),
        None,
    )
    .await
    .unwrap();
    assert!(reply.status == 200 || reply.status == 201, "{}", reply.body);
}

/// Issue 5: "a receiver that fails twice then succeeds gets exactly one
/// logical delivery with one `webhook-id`" — through the running service's
/// outbox, with the official `standardwebhooks` library verifying every
/// attempt. The server's clock is pinned, so each retry falls due when the
/// test restarts it later (nothing sleeps through a backoff).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_fails_twice_gets_one_logical_delivery_through_the_service() {
    let Some(python) = venv_python() else {
        assert!(!in_ci(), "the venv with standardwebhooks is required in CI");
        eprintln!("note: the python venv is missing; test skipped outside CI");
        return;
    };
    let store = TestStore::from_env("delivery-retry");
    let folder = store.folder().to_owned();
    qorgau(&store, &["init"]).ok();
    let (passwords, api_key) = people(&store, None);
    let hook_port = free_port();
    let secret_file = folder.join("secret.txt");
    std::fs::write(&secret_file, "").unwrap();
    let now_file = folder.join("now.txt");
    std::fs::write(&now_file, common::NOW).unwrap();
    let out = folder.join("webhooks.json");
    let _hooks = webhook_sink(&python, hook_port, &secret_file, &now_file, &out, 2).await;
    let pages = page_server().await;
    let mut server = Server::start(&store, 0, &capture_here(pages)).await;
    let registered = request(
        server.address,
        "PUT",
        "/api/v1/owner/webhook",
        Some(&api_key),
        Some(&json!({"url": format!("http://127.0.0.1:{hook_port}/hook")}).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(registered.status, 200, "{}", registered.body);
    let secret = registered.json()["secret"].as_str().unwrap().to_owned();
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let case_id = confirmed_case(server.address, &passwords, "https://bully.example/p/1").await;

    // Each attempt, verified by the library: 500, 500 (the retries are due
    // within 30 s, then 60 s, of the failure; the clock is moved past them),
    // then 204.
    for (attempt, now) in [
        (1, common::NOW),
        (2, "2026-12-02T10:01:00+05:00"),
        (3, "2026-12-02T10:03:00+05:00"),
    ] {
        if attempt > 1 {
            std::fs::write(&now_file, now).unwrap();
            server.set_env("QORGAU_TEST_NOW", now.to_owned());
            server.restart().await;
        }
        eventually(&format!("attempt {attempt} at {now}"), || {
            (received(&out).len() >= attempt).then_some(())
        })
        .await;
    }
    let seen = received(&out);
    assert_eq!(seen.len(), 3, "{seen:#?}");
    let statuses: Vec<i64> = seen
        .iter()
        .map(|entry| entry["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [500, 500, 204]);
    assert!(
        seen.iter()
            .all(|entry| entry["verified"] == true && entry["type"] == "order.issued")
    );
    let webhook_id = seen[0]["webhook_id"].as_str().unwrap();
    assert!(
        seen.iter().all(|entry| entry["webhook_id"] == webhook_id),
        "{seen:#?}"
    );

    // Recorded once, under that id.
    let recorded = eventually("the delivery is recorded", || {
        let run = qorgau(&store, &["case", "show", &case_id, "--json"]).ok();
        let document: Value = serde_json::from_str(&run.stdout).unwrap();
        let notices: Vec<String> = document["state"]["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|notice| notice["delivery_id"].as_str().unwrap().to_owned())
            .collect();
        (!notices.is_empty()).then_some(notices)
    })
    .await;
    assert_eq!(recorded, [webhook_id]);
    server.kill();
}
