//! `qorgau case link | unlink | timeline | import-chat` end to end: a real
//! binary, a real store (the embedded one, or PostgreSQL with
//! `QORGAU_TEST_STORE=postgres`), a pinned clock (issue 7).

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::TestStore;

fn application(resource: &str, actor: &str, day: &str) -> String {
    format!(
        r#"{{
  "language": "ru",
  "applicant": {{"name": "Сәуле Серікова", "relation": "parent", "email": "parent@example.kz"}},
  "child": {{"name": "Айгерім Серікова", "birth_date": "2013-01-05", "iin": "130105500019"}},
  "resources": [{{"url": "{resource}"}}],
  "incidents": [{{"occurred_on": "{day}", "resource_url": "{resource}", "description": "пишет каждый день", "actor": "{actor}"}}]
}}"#
    )
}

struct Qorgau {
    store: TestStore,
}

impl Qorgau {
    /// `qorgau ARGS` in English at `common::NOW`: (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let run = common::qorgau(&self.store, args);
        (run.code, run.stdout, run.stderr)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(args);
        assert_eq!(code, 0, "{args:?}\nstdout: {stdout}\nstderr: {stderr}");
        stdout
    }

    fn submit(&self, json: &str) -> String {
        let file = self.store.folder().join("application.json");
        std::fs::write(&file, json).unwrap();
        let stdout = self.ok(&[
            "--as",
            "coord",
            "case",
            "submit",
            "--json",
            file.to_str().unwrap(),
        ]);
        stdout.split_whitespace().nth(1).unwrap().to_owned()
    }

    fn timeline(&self, case_id: &str) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["case", "timeline", case_id, "--json"])).unwrap()
    }
}

#[test]
fn cases_are_linked_at_intake_and_a_chat_joins_the_timeline() {
    let qorgau = Qorgau {
        store: TestStore::from_env("linked"),
    };
    qorgau.ok(&["init"]);
    qorgau.ok(&[
        "staff",
        "add",
        "coord",
        "--name",
        "C",
        "--role",
        "coordinator",
    ]);
    qorgau.ok(&["staff", "add", "e1", "--name", "E", "--role", "expert"]);
    let first = qorgau.submit(&application(
        "https://t.me/class_7a",
        "@stalker_one",
        "2026-11-20",
    ));
    let second = qorgau.submit(&application(
        "https://instagram.com/stalker.two",
        "https://instagram.com/stalker.two",
        "2026-11-25",
    ));
    let timeline = qorgau.timeline(&second);
    assert_eq!(timeline["cases"], serde_json::json!([second, first]));
    assert_eq!(timeline["links"][0]["automatic"], serde_json::json!(true));
    let text = qorgau.ok(&["case", "timeline", &first]);
    assert!(text.contains("linked at intake"), "{text}");
    assert!(text.contains(&second), "{text}");

    let chat = qorgau.store.folder().join("chat.txt");
    std::fs::write(
        &chat,
        "[26.11.2026 21:10] Stalker: почему ты молчишь\n[26.11.2026 21:12] Айгерім: отстань\n[28.11.2026 08:05] Stalker: жду у школы\n",
    )
    .unwrap();
    let import = |sender: &str| {
        qorgau.run(&[
            "--as",
            "e1",
            "case",
            "import-chat",
            &second,
            chat.to_str().unwrap(),
            "--format",
            "text",
            "--sender",
            sender,
            "--platform",
            "telegram",
            "--account",
            "@stalker_new",
        ])
    };
    let (code, _, stderr) = import("Nobody");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("Stalker"),
        "the senders are listed: {stderr}"
    );
    let (code, stdout, stderr) = import("Stalker");
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("3 messages, 2 from the actor on 2 days"),
        "{stdout}"
    );
    let timeline = qorgau.timeline(&second);
    assert_eq!(timeline["entries"].as_array().unwrap().len(), 4);
    // Three accounts, each its own person (no expert linked them): nobody
    // wrote on three days or two channels, so no indicator and no suggestion.
    assert_eq!(timeline["indicators"], serde_json::json!([]));
    assert_eq!(timeline["suggestion"], serde_json::Value::Null);

    let (code, _, stderr) = qorgau.run(&[
        "--as", "e1", "case", "unlink", &first, &second, "--reason", " ",
    ]);
    assert_eq!(code, 3, "a reason is required: {stderr}");
    let stdout = qorgau.ok(&[
        "--as",
        "e1",
        "case",
        "unlink",
        &first,
        &second,
        "--reason",
        "another child",
    ]);
    assert!(
        stdout.contains(&format!("{second}: cases_unlinked")),
        "{stdout}"
    );
    assert_eq!(
        qorgau.timeline(&second)["cases"],
        serde_json::json!([second])
    );
    qorgau.ok(&[
        "--as",
        "e1",
        "case",
        "link",
        &second,
        &first,
        "--basis",
        "same-child",
        "--reason",
        "same girl",
    ]);
    assert_eq!(
        qorgau.timeline(&first)["cases"].as_array().unwrap().len(),
        2
    );
    qorgau.ok(&["verify"]);
}
