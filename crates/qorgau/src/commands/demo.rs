//! `qorgau serve --demo`: demo staff, resource owners and cases, so a newcomer
//! can walk the procedure at once. Logins are printed and written to
//! `DATA/demo-credentials.json` (API.md gives its shape).

use std::path::PathBuf;

use qorgau_app::credentials::{hash_password, new_password, new_token, secret_hash};
use qorgau_app::{Intake, Procedure};
use qorgau_domain::application::{ApplicationForm, Channel};
use qorgau_domain::category::Category;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Actor, Command, Role, VoteChoice};
use qorgau_store::{AnyStore, ResourceOwner, StaffMember, StaffRole, Store, StoreLocation};
use serde_json::json;

use crate::Session;
use crate::error::{AppError, exit};

const CREDENTIALS_FILE: &str = "demo-credentials.json";

fn credentials_path(session: &Session) -> PathBuf {
    match &session.store_location {
        StoreLocation::Embedded(folder) => folder.join(CREDENTIALS_FILE),
        StoreLocation::Postgres(_) => PathBuf::from(CREDENTIALS_FILE),
    }
}

fn randomness(error: impl std::fmt::Display) -> AppError {
    AppError::Explained {
        message: Message::new("cli-store-error").with("detail", error.to_string()),
        exit_code: exit::STORE,
    }
}

/// Three demo applications, in the three languages, about made-up children.
const DEMO_APPLICATIONS: [&str; 3] = [
    r#"{"language":"ru","applicant":{"name":"Айгуль Ахметова","relation":"parent","email":"aigul@example.kz"},
        "child":{"name":"Данияр","birth_date":"2012-04-15"},
        "resources":[{"url":"https://t.me/school_memes_demo"},{"url":"https://instagram.com/fake_daniyar_demo"}],
        "incidents":[{"occurred_on":"2026-11-02","resource_url":"https://t.me/school_memes_demo","description":"Унизительный мем","actor":"@mocker_demo"},
                     {"occurred_on":"2026-11-05","resource_url":"https://instagram.com/fake_daniyar_demo","description":"Фейковый аккаунт","actor":"@mocker_demo"}]}"#,
    r#"{"language":"kk","applicant":{"name":"Ержан Болатұлы","relation":"parent","phone":"+7 701 555 12 34"},
        "child":{"name":"Әсел","birth_date":"2011-09-02"},
        "resources":[{"url":"https://t.me/class_chat_demo"}],
        "incidents":[{"occurred_on":"2026-11-10","resource_url":"https://t.me/class_chat_demo","description":"Қорлайтын хабарламалар"},
                     {"occurred_on":"2026-11-12","resource_url":"https://t.me/class_chat_demo","description":"Қорқыту"}]}"#,
    r#"{"language":"en","applicant":{"name":"Dana Smith","relation":"legal_representative","email":"dana@example.kz"},
        "child":{"name":"Tim","birth_date":"2013-02-20"},
        "resources":[{"url":"https://instagram.com/tim_fake_demo"}],
        "incidents":[{"occurred_on":"2026-11-15","resource_url":"https://instagram.com/tim_fake_demo","description":"Impersonation"},
                     {"occurred_on":"2026-11-16","resource_url":"https://instagram.com/tim_fake_demo","description":"Mocking posts"}]}"#,
];

pub async fn seed(session: &Session, store: &AnyStore) -> Result<(), AppError> {
    let path = credentials_path(session);
    if store.find_staff("coordinator").await?.is_some() {
        // Already seeded: the passwords and keys were shown once and written down.
        if let Ok(text) = std::fs::read_to_string(&path) {
            println!(
                "{}",
                session.say(
                    &Message::new("cli-demo-existing").with("path", path.display().to_string())
                )
            );
            println!("{text}");
            return Ok(());
        }
        return Err(AppError::bad_input(
            Message::new("cli-demo-lost").with("path", path.display().to_string()),
        ));
    }
    let now = session.clock.now();
    let mut staff_logins = Vec::new();
    for (username, name, role, chair) in [
        (
            "coordinator",
            "Сауле Координатор",
            StaffRole::Coordinator,
            false,
        ),
        ("chair", "Марат Төраға", StaffRole::Expert, true),
        ("expert1", "Алия Сарапшы", StaffRole::Expert, false),
        ("expert2", "Ivan Expert", StaffRole::Expert, false),
    ] {
        let member = StaffMember {
            username: username.to_owned(),
            display_name: name.to_owned(),
            role,
            chair,
            active: true,
        };
        store.add_staff(&member, now).await?;
        let password = new_password().map_err(randomness)?;
        store
            .set_staff_password(username, &hash_password(&password).map_err(randomness)?)
            .await?;
        staff_logins.push((member, password));
    }
    let mut owner_logins = Vec::new();
    for (name, display_name, domains) in [
        (
            "telegram",
            "Telegram Messenger",
            vec!["t.me", "telegram.me"],
        ),
        (
            "instagram",
            "Instagram (Meta Platforms)",
            vec!["instagram.com"],
        ),
    ] {
        let api_key = new_token("qgk").map_err(randomness)?;
        let owner = ResourceOwner {
            name: name.to_owned(),
            display_name: display_name.to_owned(),
            api_key_hash: secret_hash(&api_key),
            domains: domains.iter().map(|domain| (*domain).to_owned()).collect(),
        };
        store.add_owner(&owner, now).await?;
        owner_logins.push((owner, api_key));
    }
    seed_cases(session, store).await?;

    let credentials = json!({
        "coordinator": staff_logins.iter().find(|(member, _)| member.role == StaffRole::Coordinator)
            .map(|(member, password)| json!({"username": member.username, "password": password})),
        "experts": staff_logins.iter().filter(|(member, _)| member.role == StaffRole::Expert)
            .map(|(member, password)| json!({"username": member.username, "password": password, "chair": member.chair}))
            .collect::<Vec<_>>(),
        "owners": owner_logins.iter()
            .map(|(owner, api_key)| json!({"name": owner.name, "api_key": api_key, "domains": owner.domains}))
            .collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&credentials).unwrap_or_default();
    write_private(&path, &text).map_err(|error| {
        AppError::bad_input(
            Message::new("cli-file-unreadable")
                .with("path", path.display().to_string())
                .with("detail", error.to_string()),
        )
    })?;
    println!(
        "{}",
        session.say(&Message::new("cli-demo-seeded").with("path", path.display().to_string()))
    );
    println!("{text}");
    Ok(())
}

/// Writes a file only its owner can read (it holds passwords).
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// One case waiting for the expert group, one under review, one confirmed with
/// its orders issued.
async fn seed_cases(session: &Session, store: &AnyStore) -> Result<(), AppError> {
    let procedure = Procedure::new(store, session.clock.as_ref());
    let coordinator = Actor {
        name: "coordinator".into(),
        role: Role::Coordinator,
    };
    let mut case_ids = Vec::new();
    for json in DEMO_APPLICATIONS {
        let form: ApplicationForm = serde_json::from_str(json).map_err(|error| {
            AppError::bad_input(Message::new("cli-store-error").with("detail", error.to_string()))
        })?;
        let intake = Intake {
            form: &form,
            channel: Channel::Electronic,
            received_at: None,
            record_refusals: true,
        };
        case_ids.push(procedure.submit(intake, &coordinator).await?.case_id);
    }
    let vote = |reasons: &str| Command::Vote {
        vote: VoteChoice::Confirm,
        category: Category::Cyberbullying,
        indicators: Vec::new(),
        reasons: reasons.to_owned(),
    };
    let expert = |name: &str, chair: bool| Actor {
        name: name.into(),
        role: Role::Expert { chair },
    };
    procedure
        .run(
            &case_ids[1],
            &expert("expert1", false),
            vote("Жүйелі қорлау"),
        )
        .await?;
    for (name, chair) in [("expert1", false), ("expert2", false), ("chair", true)] {
        procedure
            .run(
                &case_ids[2],
                &expert(name, chair),
                vote("Systematic impersonation"),
            )
            .await?;
    }
    // The demo's group is the three experts seeded above.
    let decide = procedure.decide_command(&case_ids[2], None).await?;
    procedure.run(&case_ids[2], &coordinator, decide).await?;
    Ok(())
}
