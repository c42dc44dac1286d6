//! The embedded store against a real SQLite file.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

use jiff::Timestamp;
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::procedure::{
    Actor, CaseEvent, CasePhase, Command, Context, DeadlineKind, Role, handle, receive_application,
};
use qorgau_domain::record::ChainFault;
use qorgau_domain::regime::Regimes;
use qorgau_store::{SqliteStore, StaffMember, StaffRole, Store, StoreError, VerifyError};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn form(resource: &str, actor: &str, day: &str) -> ApplicationForm {
    ApplicationForm {
        language: None,
        applicant: ApplicantForm {
            name: Some("Applicant".into()),
            relation: Some(Relation::Parent),
            email: Some("parent@example.kz".into()),
            ..ApplicantForm::default()
        },
        child: ChildForm {
            name: Some("Child".into()),
            birth_date: Some("2013-01-01".into()),
            iin: None,
        },
        resources: vec![ResourceForm {
            url: resource.into(),
        }],
        incidents: vec![IncidentForm {
            occurred_on: day.into(),
            resource_url: Some(resource.into()),
            description: "posts".into(),
            actor: Some(actor.into()),
        }],
        description: None,
    }
}

struct TestStore {
    _folder: tempfile::TempDir,
    store: SqliteStore,
}

impl TestStore {
    async fn new() -> TestStore {
        let folder = tempfile::tempdir().unwrap();
        let store = SqliteStore::open_or_create(folder.path()).await.unwrap();
        TestStore {
            _folder: folder,
            store,
        }
    }

    async fn submit(&self, form: &ApplicationForm, when: &str) -> String {
        let now = at(when);
        let events = receive_application(
            form,
            Channel::Electronic,
            now,
            now,
            WorkingCalendar::embedded(),
            Regimes::embedded(),
        )
        .unwrap();
        self.store
            .create_case(2026, &events, "coord", now)
            .await
            .unwrap()
    }

    async fn run(&self, case_id: &str, actor: &Actor, command: Command, when: &str) {
        let case = self.store.load_case(case_id).await.unwrap().unwrap();
        let state = case.state().unwrap();
        let regime = Regimes::embedded().get(&state.regime).unwrap();
        let context = Context {
            case_id,
            now: at(when),
            calendar: WorkingCalendar::embedded(),
            regime,
            actor,
        };
        let events = handle(&state, command, &context).unwrap();
        self.store
            .append(case_id, case.version(), &events, &actor.name, at(when))
            .await
            .unwrap();
    }

    async fn count_events(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM case_events")
            .fetch_one(self.store.pool())
            .await
            .unwrap()
    }
}

fn expert(name: &str, chair: bool) -> Actor {
    Actor {
        name: name.into(),
        role: Role::Expert { chair },
    }
}

const RECEIVED: &str = "2026-12-02T10:00:00+05:00";

#[tokio::test]
async fn case_numbers_count_up_per_year_and_cases_reload() {
    let test = TestStore::new().await;
    let first = test
        .submit(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            RECEIVED,
        )
        .await;
    let second = test
        .submit(
            &form("https://t.me/b_channel", "@y", "2026-11-20"),
            RECEIVED,
        )
        .await;
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("QG-2026-000001", "QG-2026-000002")
    );
    let case = test.store.load_case(&first).await.unwrap().unwrap();
    assert_eq!(case.version(), 2);
    assert_eq!(case.state().unwrap().phase, CasePhase::Registered);
    assert!(
        test.store
            .load_case("QG-2026-000099")
            .await
            .unwrap()
            .is_none()
    );
    let listed = test
        .store
        .list_cases(Some(CasePhase::Registered))
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn a_stale_write_is_a_conflict_and_writes_nothing() {
    let test = TestStore::new().await;
    let case_id = test
        .submit(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            RECEIVED,
        )
        .await;
    let before = test.count_events().await;
    let result = test
        .store
        .append(&case_id, 1, &[CaseEvent::ReviewStarted], "e1", at(RECEIVED))
        .await;
    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    assert_eq!(test.count_events().await, before);
}

#[tokio::test]
async fn an_event_that_cannot_follow_is_refused_and_writes_nothing() {
    let test = TestStore::new().await;
    let case_id = test
        .submit(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            RECEIVED,
        )
        .await;
    let before = test.count_events().await;
    // A decision without review is fine, but a second registration is not a history.
    let result = test
        .store
        .append(
            &case_id,
            2,
            &[CaseEvent::ApplicationRegistered],
            "coord",
            at(RECEIVED),
        )
        .await;
    assert!(matches!(result, Err(StoreError::Corrupt(_))), "{result:?}");
    assert_eq!(test.count_events().await, before);
}

#[tokio::test]
async fn the_record_is_append_only() {
    let test = TestStore::new().await;
    test.submit(
        &form("https://t.me/a_channel", "@x", "2026-11-20"),
        RECEIVED,
    )
    .await;
    for statement in [
        "UPDATE case_events SET actor = 'mallory'",
        "DELETE FROM case_events",
    ] {
        let error = sqlx::query(statement)
            .execute(test.store.pool())
            .await
            .unwrap_err();
        assert!(error.to_string().contains("append-only"), "{error}");
    }
}

#[tokio::test]
async fn an_intact_record_verifies_and_survives_reopening() {
    let folder = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open_or_create(folder.path()).await.unwrap();
        let now = at(RECEIVED);
        let events = receive_application(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            Channel::Electronic,
            now,
            now,
            WorkingCalendar::embedded(),
            Regimes::embedded(),
        )
        .unwrap();
        store
            .create_case(2026, &events, "coord", now)
            .await
            .unwrap();
        store.close().await;
    }
    let store = SqliteStore::open(folder.path()).await.unwrap();
    let summary = store.verify().await.unwrap();
    assert_eq!(summary.entries, 2);
}

#[tokio::test]
async fn opening_a_folder_without_a_database_says_to_initialize() {
    let folder = tempfile::tempdir().unwrap();
    let error = SqliteStore::open(folder.path()).await.unwrap_err();
    assert!(error.to_string().contains("qorgau init"), "{error}");
}

/// Builds a store with a few cases and a dozen events.
async fn populated() -> TestStore {
    let test = TestStore::new().await;
    let case_id = test
        .submit(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            RECEIVED,
        )
        .await;
    test.submit(
        &form("https://t.me/b_channel", "@y", "2026-11-21"),
        RECEIVED,
    )
    .await;
    for who in [
        expert("e1", false),
        expert("e2", false),
        expert("chair", true),
    ] {
        let vote = Command::Vote {
            vote: qorgau_domain::procedure::VoteChoice::NotConfirm,
            category: qorgau_domain::category::Category::None,
            indicators: vec![],
            reasons: "ordinary quarrel".into(),
        };
        test.run(&case_id, &who, vote, RECEIVED).await;
    }
    let decide = Command::Decide {
        group_size: 3,
        linked_incidents: vec![],
        override_reason: None,
    };
    let coordinator = Actor {
        name: "coord".into(),
        role: Role::Coordinator,
    };
    test.run(&case_id, &coordinator, decide, RECEIVED).await;
    test
}

/// Flips the lowest bit of one byte near the middle of a stored field (an ASCII
/// byte for text, so the text stays UTF-8 as SQLite would store it).
async fn flip_one_bit(pool: &sqlx::SqlitePool, seq: i64, column: &str) {
    let select = format!("SELECT {column} FROM case_events WHERE seq = ?");
    let update = format!("UPDATE case_events SET {column} = ? WHERE seq = ?");
    if column.ends_with("hash") {
        let mut bytes: Vec<u8> = sqlx::query_scalar(sqlx::AssertSqlSafe(select))
            .bind(seq)
            .fetch_one(pool)
            .await
            .unwrap();
        bytes[16] ^= 1;
        sqlx::query(sqlx::AssertSqlSafe(update))
            .bind(bytes)
            .bind(seq)
            .execute(pool)
            .await
            .unwrap();
    } else {
        let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(select))
            .bind(seq)
            .fetch_one(pool)
            .await
            .unwrap();
        let mut bytes = text.into_bytes();
        let middle = bytes.len() / 2;
        let index = (middle..bytes.len())
            .chain(0..middle)
            .find(|&i| bytes[i].is_ascii_alphanumeric())
            .unwrap();
        bytes[index] ^= 1;
        let changed = String::from_utf8(bytes).unwrap();
        sqlx::query(sqlx::AssertSqlSafe(update))
            .bind(changed)
            .bind(seq)
            .execute(pool)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn changing_any_byte_of_any_event_fails_verification_at_that_event() {
    let template = populated().await;
    let total = template.count_events().await;
    assert!(total >= 8);
    let source = template.store.path().to_owned();
    template.store.close().await;
    let columns = [
        "case_id",
        "event_type",
        "payload",
        "actor",
        "recorded_at",
        "hash",
        "prev_hash",
    ];
    for seq in 1..=total {
        for column in columns {
            let folder = tempfile::tempdir().unwrap();
            std::fs::copy(&source, folder.path().join("qorgau.sqlite")).unwrap();
            let store = SqliteStore::open(folder.path()).await.unwrap();
            let pool = store.pool();
            sqlx::query("DROP TRIGGER case_events_no_update")
                .execute(pool)
                .await
                .unwrap();
            flip_one_bit(pool, seq, column).await;
            let error = store.verify().await.unwrap_err();
            let VerifyError::Broken(broken) = error else {
                panic!("{column} at {seq}: {error}")
            };
            // Tampering with prev_hash of entry n breaks the link at n; everything
            // else breaks entry n's own hash.
            assert_eq!(broken.seq, seq as u64, "{column} at {seq}");
            assert!(
                matches!(
                    broken.fault,
                    ChainFault::HashMismatch | ChainFault::BrokenLink | ChainFault::NotCanonical
                ),
                "{column} at {seq}: {:?}",
                broken.fault
            );
            store.close().await;
        }
    }
}

#[tokio::test]
async fn the_board_lists_pending_deadlines_earliest_first() {
    let test = populated().await;
    let rows = test.store.deadlines().await.unwrap();
    let kinds: Vec<(String, DeadlineKind)> = rows
        .iter()
        .map(|row| (row.case_id.clone(), row.deadline.kind))
        .collect();
    // Case 1 was decided (not confirmed): only its response is pending.
    assert!(kinds.contains(&("QG-2026-000001".to_owned(), DeadlineKind::Response)));
    assert!(!kinds.contains(&("QG-2026-000001".to_owned(), DeadlineKind::Decision)));
    assert!(kinds.contains(&("QG-2026-000002".to_owned(), DeadlineKind::Decision)));
    assert!(
        rows.windows(2)
            .all(|pair| pair[0].deadline.due_at <= pair[1].deadline.due_at)
    );
}

#[tokio::test]
async fn cases_sharing_an_actor_or_a_resource_link_their_incidents() {
    let test = TestStore::new().await;
    let first = test
        .submit(
            &form("https://t.me/a_channel", "@Mocker", "2026-11-20"),
            RECEIVED,
        )
        .await;
    // The same account spelt differently, in another channel.
    test.submit(
        &form(
            "https://t.me/other_channel",
            "https://t.me/mocker",
            "2026-11-22",
        ),
        RECEIVED,
    )
    .await;
    // The same handle on another platform is another account.
    test.submit(
        &form("https://instagram.com/other", "@Mocker", "2026-11-25"),
        RECEIVED,
    )
    .await;
    // Same resource, another actor.
    test.submit(
        &form("https://t.me/a_channel", "@someone", "2026-11-23"),
        RECEIVED,
    )
    .await;
    // Unrelated.
    test.submit(
        &form("https://vk.com/id1", "@nobody", "2026-11-24"),
        RECEIVED,
    )
    .await;
    let linked = test.store.linked_incidents(&first).await.unwrap();
    let days: Vec<String> = linked
        .iter()
        .map(|key| key.occurred_on.to_string())
        .collect();
    assert_eq!(days, ["2026-11-22", "2026-11-23"]);
}

#[tokio::test]
async fn staff_are_unique_by_username() {
    let test = TestStore::new().await;
    let member = StaffMember {
        username: "a.nurlanova".into(),
        display_name: "Айгерим Нурланова".into(),
        role: StaffRole::Expert,
        chair: true,
        active: true,
    };
    test.store.add_staff(&member, at(RECEIVED)).await.unwrap();
    assert!(matches!(
        test.store.add_staff(&member, at(RECEIVED)).await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(
        test.store.find_staff("a.nurlanova").await.unwrap(),
        Some(member)
    );
}
