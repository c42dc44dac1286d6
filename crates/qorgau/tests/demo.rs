//! The README's main command as a newcomer meets it: `qorgau serve --demo`
//! on a fresh store prints the demo logins and writes them in API.md's shape;
//! a parent files an application in Kazakh through the form, as a phone's
//! browser posts it; the demo's experts confirm it, the order reaches the demo
//! owner of the named resource, the owner reports removal, the coordinator
//! answers, and the parent reads the outcome in Kazakh. A restart of
//! `serve --demo` on the same store seeds nothing twice and shows the same
//! logins. Runs on the store `QORGAU_TEST_STORE` selects.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::net::SocketAddr;

use common::{Reply, Server, TestStore, post_form, request};
use serde_json::{Value, json};

/// The Kazakh application a parent types into `/apply`: a Telegram channel,
/// so the order goes to the demo's `telegram` owner.
const KAZAKH_FORM: [(&str, &str); 13] = [
    ("language", "kk"),
    ("applicant_name", "Гүлнар Сейітқызы"),
    ("relation", "parent"),
    ("child_name", "Айсұлу"),
    ("child_birth_date", "2013-03-08"),
    ("resource_1", "https://t.me/aisulu_mazaq"),
    ("incident_1_date", "2026-11-23"),
    ("incident_1_resource", "https://t.me/aisulu_mazaq"),
    (
        "incident_1_description",
        "Қызымның суретін мазақ етіп жариялады",
    ),
    ("incident_2_date", "2026-11-27"),
    ("incident_2_description", "Қорқытатын хабарламалар"),
    ("email", "gulnar@example.kz"),
    ("consent", "yes"),
];

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in {text}"))
        + start.len();
    let length = text[from..].find(end).unwrap();
    &text[from..from + length]
}

async fn call(address: SocketAddr, method: &str, path: &str, bearer: &str, body: Value) -> Reply {
    let text = body.to_string();
    let body = (method != "GET").then_some(text.as_str());
    request(address, method, path, Some(bearer), body)
        .await
        .unwrap_or_else(|error| panic!("{method} {path}: {error}"))
}

async fn sign_in(address: SocketAddr, login: &Value) -> String {
    let reply = request(
        address,
        "POST",
        "/api/v1/auth/token",
        None,
        Some(&json!({"username": login["username"], "password": login["password"]}).to_string()),
    )
    .await
    .unwrap();
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["token"].as_str().unwrap().to_owned()
}

/// Everything the demo's servers printed, in the order they started.
fn printed(store: &TestStore) -> String {
    let mut logs: Vec<_> = std::fs::read_dir(store.folder())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("serve-"))
        })
        .collect();
    logs.sort();
    logs.iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

fn credentials_file(store: &TestStore) -> std::path::PathBuf {
    match &store.database {
        // With PostgreSQL the file goes to the working folder.
        Some(_) => store.folder().join("demo-credentials.json"),
        None => store.folder().join("data").join("demo-credentials.json"),
    }
}

#[tokio::test]
async fn a_newcomer_files_in_kazakh_and_the_demo_staff_carry_it_to_a_response() {
    let store = TestStore::from_env("demo");
    let mut server = Server::start_with(&store, 0, &[], &["--demo"]).await;
    let address = server.address;

    // The logins, printed and written in API.md's shape, readable by the owner only.
    let path = credentials_file(&store);
    let text = std::fs::read_to_string(&path).unwrap();
    let credentials: Value = serde_json::from_str(&text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the file holds passwords");
    }
    let keys = |value: &Value| {
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys.join(",")
    };
    assert_eq!(keys(&credentials), "coordinator,experts,owners");
    assert_eq!(keys(&credentials["coordinator"]), "password,username");
    let experts = credentials["experts"].as_array().unwrap();
    assert!(experts.len() >= 3, "a group needs a chair and members");
    for expert in experts {
        assert_eq!(keys(expert), "chair,password,username");
    }
    assert_eq!(
        experts
            .iter()
            .filter(|expert| expert["chair"] == true)
            .count(),
        1
    );
    let owners = credentials["owners"].as_array().unwrap();
    assert_eq!(owners.len(), 2);
    for owner in owners {
        assert_eq!(keys(owner), "api_key,domains,name");
        assert!(!owner["domains"].as_array().unwrap().is_empty());
    }
    let coordinator_password = credentials["coordinator"]["password"].as_str().unwrap();
    assert!(
        printed(&store).contains(coordinator_password),
        "the logins are printed"
    );

    // The demo's cases are there for the staff to look at.
    let coordinator = sign_in(address, &credentials["coordinator"]).await;
    let queue = call(address, "GET", "/api/v1/cases", &coordinator, Value::Null).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let seeded = queue.json().as_array().unwrap().len();
    assert!(seeded >= 3, "{}", queue.body);

    // A parent files in Kazakh, with the form a phone's browser posts.
    let applied = post_form(address, "/apply?lang=kk", &KAZAKH_FORM)
        .await
        .unwrap();
    assert_eq!(applied.status, 201, "{}", applied.body);
    assert!(
        applied.body.contains("<html lang=\"kk\""),
        "{}",
        applied.body
    );
    assert!(applied.body.contains("Өтініш қабылданды"));
    let case_id = between(&applied.body, "id=\"case-id\">", "<").to_owned();
    let code = between(&applied.body, "id=\"access-code\">", "<").to_owned();

    // Every expert of the demo group confirms; the chair decides.
    for expert in experts {
        let token = sign_in(address, expert).await;
        let voted = call(
            address,
            "POST",
            &format!("/api/v1/cases/{case_id}/votes"),
            &token,
            json!({"vote": "confirm", "category": "cyberbullying",
                   "reasons": "Баланы екі рет мазақ еткен жүйелі жариялаулар"}),
        )
        .await;
        assert_eq!(voted.status, 200, "{}", voted.body);
    }
    let chair = experts
        .iter()
        .find(|expert| expert["chair"] == true)
        .unwrap();
    let chair = sign_in(address, chair).await;
    let decided = call(
        address,
        "POST",
        &format!("/api/v1/cases/{case_id}/decision"),
        &chair,
        json!({}),
    )
    .await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert_eq!(decided.json()["status"], "confirmed", "{}", decided.body);

    // The order reaches the demo owner whose domain the resource is on, and
    // only that owner; it says nothing of the parent or the child.
    let owner_key = |name: &str| {
        owners.iter().find(|owner| owner["name"] == name).unwrap()["api_key"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let telegram = owner_key("telegram");
    let listed = call(
        address,
        "GET",
        "/api/v1/orders?status=open",
        &telegram,
        Value::Null,
    )
    .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let ours: Vec<Value> = listed
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|order| order["urls"] == json!(["https://t.me/aisulu_mazaq"]))
        .cloned()
        .collect();
    assert_eq!(ours.len(), 1, "{}", listed.body);
    for secret in ["Гүлнар", "Айсұлу", "gulnar@example.kz", "2013-03-08"] {
        assert!(!listed.body.contains(secret), "{secret} reached the owner");
    }
    let instagram = owner_key("instagram");
    let other = call(
        address,
        "GET",
        "/api/v1/orders?status=open",
        &instagram,
        Value::Null,
    )
    .await;
    assert!(!other.body.contains("aisulu_mazaq"), "{}", other.body);

    let order_id = ours[0]["order_id"].as_str().unwrap().to_owned();
    let removal = call(
        address,
        "POST",
        &format!("/api/v1/orders/{order_id}/removal"),
        &telegram,
        json!({"removed_urls": ["https://t.me/aisulu_mazaq"], "note": "жойылды"}),
    )
    .await;
    assert_eq!(removal.status, 200, "{}", removal.body);

    let responded = call(
        address,
        "POST",
        &format!("/api/v1/cases/{case_id}/response"),
        &coordinator,
        json!({"channel": "email"}),
    )
    .await;
    assert_eq!(responded.status, 200, "{}", responded.body);

    // The parent reads the outcome in Kazakh, whatever language the page is asked in.
    let tracked = post_form(
        address,
        "/track?lang=en",
        &[("case_id", &case_id), ("access_code", &code)],
    )
    .await
    .unwrap();
    assert_eq!(tracked.status, 200, "{}", tracked.body);
    for step in [
        "Сараптамалық топ шешім қабылдады",
        "Интернет-ресурс иесіне жою туралы нұсқама берілді",
        "Иесі жойғанын хабарлады",
        "Сізге жауап жіберілді",
    ] {
        assert!(
            tracked.body.contains(step),
            "{step} not in {}",
            tracked.body
        );
    }
    // When it was received, in words and in Almaty time (the tests' clock).
    assert!(
        tracked.body.contains("2026 жылғы 2 желтоқсан, сағат 10:00"),
        "{}",
        tracked.body
    );

    // A second `serve --demo` on the same store seeds nothing again: the same
    // logins, the same cases plus the parent's.
    server.restart().await;
    let address = server.address;
    let again: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(again, credentials);
    let coordinator = sign_in(address, &credentials["coordinator"]).await;
    let queue = call(address, "GET", "/api/v1/cases", &coordinator, Value::Null).await;
    assert_eq!(
        queue.json().as_array().unwrap().len(),
        seeded + 1,
        "{}",
        queue.body
    );
}
