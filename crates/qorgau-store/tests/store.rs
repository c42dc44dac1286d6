//! Every store scenario against both stores: a real SQLite file and a real
//! PostgreSQL database (127.0.0.1:5432; `.ci/run` starts the server). Each
//! scenario is an `async fn(Backend)`; `on_both_stores!` turns it into a
//! `scenario::sqlite` and a `scenario::postgres` test. Each PostgreSQL test
//! gets a database of its own with a random name, dropped when the test ends,
//! whether it passed or not.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::category::Category;
use qorgau_domain::procedure::{
    Actor, CaseEvent, CasePhase, Command, Context, DeadlineKind, Role, VoteChoice, handle,
    receive_application,
};
use qorgau_domain::record::ChainFault;
use qorgau_domain::regime::Regimes;
use qorgau_store::archive::{self, ArchiveError};
use qorgau_store::{
    AnyStore, PgStore, ResourceOwner, StaffMember, StaffRole, StaffSession, Store, StoreError,
    StoreLocation, VerifyError,
};

// ---------------------------------------------------------------------------
// Where the stores live

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// The server's maintenance database; override with `QORGAU_TEST_POSTGRES`.
fn admin_url() -> String {
    std::env::var("QORGAU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn random_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

/// A PostgreSQL database of the test's own, dropped when the guard is (also
/// when the test panics). `WITH (FORCE)` closes connections a failed test left.
struct PgDatabase {
    name: String,
}

impl PgDatabase {
    async fn create() -> PgDatabase {
        let name = format!("qorgau_test_{}", random_suffix());
        let mut admin = connect(&admin_url()).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap();
        PgDatabase { name }
    }

    fn url(&self) -> String {
        let admin = admin_url();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot block on itself.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut admin = connect(&admin_url()).await;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut admin)
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

async fn connect(url: &str) -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap_or_else(|error| {
            panic!("PostgreSQL at {url} (is it running? `.ci/run` starts it): {error}")
        })
}

/// The place a test store lives: a temporary folder or a temporary database.
enum Place {
    Folder(tempfile::TempDir),
    Database(PgDatabase),
}

impl Place {
    async fn new(backend: Backend) -> Place {
        match backend {
            Backend::Sqlite => Place::Folder(tempfile::tempdir().unwrap()),
            Backend::Postgres => Place::Database(PgDatabase::create().await),
        }
    }

    fn location(&self) -> StoreLocation {
        match self {
            Place::Folder(folder) => StoreLocation::Embedded(folder.path().to_owned()),
            Place::Database(database) => StoreLocation::Postgres(database.url()),
        }
    }
}

struct TestStore {
    store: AnyStore,
    // Dropped after the store: the folder or database outlives its handle.
    place: Place,
}

impl TestStore {
    /// A new, initialized (migrated) store.
    async fn new(backend: Backend) -> TestStore {
        let place = Place::new(backend).await;
        let store = AnyStore::open(&place.location(), true).await.unwrap();
        TestStore { store, place }
    }

    fn backend(&self) -> Backend {
        match self.place {
            Place::Folder(_) => Backend::Sqlite,
            Place::Database(_) => Backend::Postgres,
        }
    }

    /// Another handle on the same store: its own connection pool, as another
    /// process or instance would have.
    async fn another_instance(&self) -> AnyStore {
        AnyStore::open(&self.place.location(), false).await.unwrap()
    }

    async fn submit(&self, form: &ApplicationForm, when: &str) -> String {
        submit_to(&self.store, form, when).await
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

    /// Runs raw SQL (the same text on both stores), for tests that go around the store.
    async fn execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = sqlx::AssertSqlSafe(sql.to_owned());
        match &self.store {
            AnyStore::Sqlite(store) => sqlx::query(sql).execute(store.pool()).await.map(drop),
            AnyStore::Postgres(store) => sqlx::query(sql).execute(store.pool()).await.map(drop),
        }
    }

    async fn count_events(&self) -> i64 {
        let sql = "SELECT count(*) FROM case_events";
        match &self.store {
            AnyStore::Sqlite(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await,
            AnyStore::Postgres(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await,
        }
        .unwrap()
    }

    /// Every seq in the chain, in order.
    async fn all_seqs(&self) -> Vec<i64> {
        let sql = "SELECT seq FROM case_events ORDER BY seq";
        match &self.store {
            AnyStore::Sqlite(store) => sqlx::query_scalar(sql).fetch_all(store.pool()).await,
            AnyStore::Postgres(store) => sqlx::query_scalar(sql).fetch_all(store.pool()).await,
        }
        .unwrap()
    }

    /// Lets the test change stored events: drops (SQLite) or disables
    /// (PostgreSQL) the append-only trigger on UPDATE, as an attacker with
    /// database access could.
    async fn allow_updates(&self) {
        let sql = match self.backend() {
            Backend::Sqlite => "DROP TRIGGER case_events_no_update",
            Backend::Postgres => "ALTER TABLE case_events DISABLE TRIGGER case_events_no_update",
        };
        self.execute(sql).await.unwrap();
    }

    async fn read_field(&self, seq: i64, column: &str) -> Field {
        let sql = format!("SELECT {column} FROM case_events WHERE seq = {seq}");
        let sql = sqlx::AssertSqlSafe(sql);
        let hash = column.ends_with("hash");
        match (&self.store, hash) {
            (AnyStore::Sqlite(store), true) => Field::Bytes(
                sqlx::query_scalar(sql)
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
            ),
            (AnyStore::Sqlite(store), false) => Field::Text(
                sqlx::query_scalar(sql)
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
            ),
            (AnyStore::Postgres(store), true) => Field::Bytes(
                sqlx::query_scalar(sql)
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
            ),
            (AnyStore::Postgres(store), false) => Field::Text(
                sqlx::query_scalar(sql)
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
            ),
        }
    }

    async fn write_field(&self, seq: i64, column: &str, value: &Field) {
        let literal = match (value, self.backend()) {
            (Field::Bytes(bytes), Backend::Sqlite) => format!("X'{}'", hex::encode(bytes)),
            (Field::Bytes(bytes), Backend::Postgres) => {
                format!("'\\x{}'::bytea", hex::encode(bytes))
            }
            (Field::Text(text), _) => format!("'{}'", text.replace('\'', "''")),
        };
        self.execute(&format!(
            "UPDATE case_events SET {column} = {literal} WHERE seq = {seq}"
        ))
        .await
        .unwrap();
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Text(String),
    Bytes(Vec<u8>),
}

impl Field {
    /// Flips the lowest bit of one byte near the middle (an ASCII letter or
    /// digit for text, so the text stays UTF-8, as both databases require).
    fn tampered(&self) -> Field {
        match self {
            Field::Bytes(bytes) => {
                let mut bytes = bytes.clone();
                bytes[16] ^= 1;
                Field::Bytes(bytes)
            }
            Field::Text(text) => {
                let mut bytes = text.clone().into_bytes();
                let middle = bytes.len() / 2;
                let index = (middle..bytes.len())
                    .chain(0..middle)
                    .find(|&i| bytes[i].is_ascii_alphanumeric())
                    .unwrap();
                bytes[index] ^= 1;
                Field::Text(String::from_utf8(bytes).unwrap())
            }
        }
    }
}

/// Generates `name::sqlite` and `name::postgres` from `async fn name(Backend)`.
macro_rules! on_both_stores {
    ($($scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$scenario(super::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    super::$scenario(super::Backend::Postgres).await
                }
            }
        )*
    };
}

on_both_stores!(
    case_numbers_count_up_per_year_and_cases_reload,
    a_stale_write_is_a_conflict_and_writes_nothing,
    an_append_to_a_missing_case_is_not_found,
    an_event_that_cannot_follow_is_refused_and_writes_nothing,
    the_record_is_append_only,
    an_intact_record_verifies_and_survives_reopening,
    opening_an_uninitialized_store_says_what_to_run,
    a_migration_this_build_does_not_know_is_refused_by_name,
    a_store_behind_this_build_is_migrated_only_where_allowed,
    changing_any_byte_of_any_event_fails_verification_at_that_event,
    the_board_lists_pending_deadlines_earliest_first,
    cases_sharing_an_actor_or_a_resource_link_their_incidents,
    staff_are_unique_by_username,
    concurrent_instances_keep_one_gapless_chain,
    racing_writers_on_one_case_let_exactly_one_win,
    an_archive_moves_the_whole_store_to_the_other_store,
    an_archive_is_imported_only_into_an_empty_store,
    a_tampered_archive_is_refused_and_writes_nothing,
    a_backup_restores_to_a_store_that_verifies,
    staff_sign_in_state_is_kept,
    orders_reach_their_owners_and_only_them,
);

// ---------------------------------------------------------------------------
// Cases to work with

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

const RECEIVED: &str = "2026-12-02T10:00:00+05:00";

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

async fn submit_to(store: &AnyStore, form: &ApplicationForm, when: &str) -> String {
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
    store
        .create_case(2026, &events, "coord", now)
        .await
        .unwrap()
}

fn expert(name: &str, chair: bool) -> Actor {
    Actor {
        name: name.into(),
        role: Role::Expert { chair },
    }
}

fn a_vote(expert: &str, reasons: String) -> CaseEvent {
    CaseEvent::VoteCast {
        expert: expert.into(),
        chair: false,
        vote: VoteChoice::NotConfirm,
        category: Category::None,
        indicators: vec![],
        reasons,
    }
}

/// A store with staff, a few cases and a dozen events, one case decided.
async fn populated(backend: Backend) -> TestStore {
    let test = TestStore::new(backend).await;
    for (username, role, chair) in [
        ("coord", StaffRole::Coordinator, false),
        ("chair", StaffRole::Expert, true),
        ("e1", StaffRole::Expert, false),
        ("e2", StaffRole::Expert, false),
    ] {
        let member = StaffMember {
            username: username.into(),
            display_name: format!("Қызметкер {username}"),
            role,
            chair,
            active: true,
        };
        test.store.add_staff(&member, at(RECEIVED)).await.unwrap();
    }
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
            vote: VoteChoice::NotConfirm,
            category: Category::None,
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

/// Everything a reader can ask a store, as one comparable text.
async fn everything_readable(store: &AnyStore) -> String {
    let mut text = String::new();
    let cases = store.list_cases(None).await.unwrap();
    text.push_str(&format!("{cases:#?}\n"));
    for case in &cases {
        let loaded = store.load_case(&case.case_id).await.unwrap().unwrap();
        text.push_str(&format!("{:#?}\n", loaded.events));
        let timeline = store.timeline(&case.case_id).await.unwrap();
        text.push_str(&format!("{timeline:#?}\n"));
        let linked = store.linked_incidents(&case.case_id).await.unwrap();
        text.push_str(&format!("{linked:#?}\n"));
    }
    text.push_str(&format!("{:#?}\n", store.deadlines().await.unwrap()));
    text.push_str(&format!("{:#?}\n", store.list_staff().await.unwrap()));
    text.push_str(&format!("{:#?}\n", store.list_owners().await.unwrap()));
    text.push_str(&format!("{:#?}\n", store.verify().await.unwrap()));
    text
}

// ---------------------------------------------------------------------------
// Scenarios

async fn case_numbers_count_up_per_year_and_cases_reload(backend: Backend) {
    let test = TestStore::new(backend).await;
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
    let now = at(RECEIVED);
    let events = receive_application(
        &form("https://t.me/c_channel", "@third_actor", "2026-11-20"),
        Channel::Electronic,
        now,
        now,
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    )
    .unwrap();
    let next_year = test
        .store
        .create_case(2027, &events, "coord", now)
        .await
        .unwrap();
    assert_eq!(next_year, "QG-2027-000001");
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
    assert_eq!(listed.len(), 3);
    assert!(
        test.store
            .list_cases(Some(CasePhase::Closed))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_stale_write_is_a_conflict_and_writes_nothing(backend: Backend) {
    let test = TestStore::new(backend).await;
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

async fn an_append_to_a_missing_case_is_not_found(backend: Backend) {
    let test = TestStore::new(backend).await;
    let result = test
        .store
        .append(
            "QG-2026-000042",
            2,
            &[CaseEvent::ReviewStarted],
            "e1",
            at(RECEIVED),
        )
        .await;
    assert!(
        matches!(&result, Err(StoreError::CaseNotFound(case)) if case == "QG-2026-000042"),
        "{result:?}"
    );
    assert_eq!(test.count_events().await, 0);
}

async fn an_event_that_cannot_follow_is_refused_and_writes_nothing(backend: Backend) {
    let test = TestStore::new(backend).await;
    let case_id = test
        .submit(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            RECEIVED,
        )
        .await;
    let before = test.count_events().await;
    // A second registration is not a history.
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
    // The failed write left the chain head where it was: the next write follows on.
    test.store
        .append(&case_id, 2, &[CaseEvent::ReviewStarted], "e1", at(RECEIVED))
        .await
        .unwrap();
    test.store.verify().await.unwrap();
}

async fn the_record_is_append_only(backend: Backend) {
    let test = TestStore::new(backend).await;
    test.submit(
        &form("https://t.me/a_channel", "@x", "2026-11-20"),
        RECEIVED,
    )
    .await;
    let mut statements = vec![
        "UPDATE case_events SET actor = 'mallory'",
        "DELETE FROM case_events",
    ];
    if backend == Backend::Postgres {
        // TRUNCATE skips row triggers; PostgreSQL has one for it too.
        statements.push("TRUNCATE case_events");
    }
    for statement in statements {
        let error = test.execute(statement).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{error}");
    }
    assert_eq!(test.count_events().await, 2);
}

async fn an_intact_record_verifies_and_survives_reopening(backend: Backend) {
    let test = populated(backend).await;
    let entries = test.count_events().await as u64;
    let summary = test.store.verify().await.unwrap();
    assert_eq!(summary.entries, entries);
    let before = everything_readable(&test.store).await;
    test.store.close().await;
    let reopened = test.another_instance().await;
    assert_eq!(reopened.verify().await.unwrap(), summary);
    assert_eq!(everything_readable(&reopened).await, before);
}

async fn opening_an_uninitialized_store_says_what_to_run(backend: Backend) {
    let place = Place::new(backend).await;
    let error = AnyStore::open(&place.location(), false).await.unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, StoreError::Schema(_)), "{text}");
    match backend {
        Backend::Sqlite => assert!(text.contains("qorgau init"), "{text}"),
        Backend::Postgres => {
            assert!(text.contains("0001_case_record"), "{text}");
            assert!(text.contains("qorgau migrate"), "{text}");
        }
    }
}

async fn a_migration_this_build_does_not_know_is_refused_by_name(backend: Backend) {
    let test = populated(backend).await;
    let future = match backend {
        Backend::Sqlite => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES (9999, 'from the future', 1, X'00', 0)"
        }
        Backend::Postgres => {
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, \
             execution_time) VALUES (9999, 'from the future', TRUE, '\\x00'::bytea, 0)"
        }
    };
    test.execute(future).await.unwrap();
    for attempt in [
        AnyStore::open(&test.place.location(), false).await.err(),
        AnyStore::migrate(&test.place.location()).await.err(),
    ] {
        let error = attempt.expect("a newer database must be refused");
        assert!(matches!(error, StoreError::Schema(_)), "{error}");
        assert!(
            error.to_string().contains("9999_from_the_future"),
            "{error}"
        );
    }
}

/// The migrations folder of a store, for building a database that is behind.
fn migrations_folder(backend: Backend) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
}

async fn a_store_behind_this_build_is_migrated_only_where_allowed(backend: Backend) {
    let place = Place::new(backend).await;
    let migrator = sqlx::migrate::Migrator::new(migrations_folder(backend))
        .await
        .unwrap();
    let versions: Vec<i64> = migrator.iter().map(|migration| migration.version).collect();
    assert!(versions.len() >= 2, "this test needs a second migration");
    let first = versions[0];
    // A database as the previous release left it: only the first migration.
    match (&place, backend) {
        (Place::Folder(folder), _) => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(folder.path().join("qorgau.sqlite"))
                .create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            migrator.run_to(first, &pool).await.unwrap();
            pool.close().await;
        }
        (Place::Database(database), _) => {
            let pool = sqlx::PgPool::connect(&database.url()).await.unwrap();
            migrator.run_to(first, &pool).await.unwrap();
            pool.close().await;
        }
    }
    let second = format!(
        "{:04}_{}",
        versions[1],
        migrator
            .iter()
            .nth(1)
            .unwrap()
            .description
            .replace(' ', "_")
    );
    match backend {
        // A pilot's single process brings its own file up to date.
        Backend::Sqlite => {
            let store = AnyStore::open(&place.location(), false).await.unwrap();
            store.verify().await.unwrap();
            store.close().await;
            assert!(
                AnyStore::migrate(&place.location())
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
        // Shared databases change only when an operator says so.
        Backend::Postgres => {
            let error = AnyStore::open(&place.location(), false).await.unwrap_err();
            assert!(matches!(error, StoreError::Schema(_)), "{error}");
            let text = error.to_string();
            assert!(text.contains(&second), "{text}");
            assert!(text.contains("qorgau migrate"), "{text}");
            // Refusing did not migrate: still refused.
            assert!(AnyStore::open(&place.location(), false).await.is_err());
            let applied = AnyStore::migrate(&place.location()).await.unwrap();
            assert_eq!(applied.len(), versions.len() - 1);
            assert_eq!(applied[0].to_string(), second);
            let store = AnyStore::open(&place.location(), false).await.unwrap();
            store.verify().await.unwrap();
            store.close().await;
            assert!(
                AnyStore::migrate(&place.location())
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    }
}

async fn changing_any_byte_of_any_event_fails_verification_at_that_event(backend: Backend) {
    let test = populated(backend).await;
    let total = test.count_events().await;
    assert!(total >= 8);
    test.allow_updates().await;
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
            let original = test.read_field(seq, column).await;
            test.write_field(seq, column, &original.tampered()).await;
            let error = test.store.verify().await.unwrap_err();
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
            test.write_field(seq, column, &original).await;
        }
    }
    // Every change undone: intact again.
    assert_eq!(test.store.verify().await.unwrap().entries, total as u64);
    if backend == Backend::Postgres {
        // The chain head remembers the tail: cutting it off is a gap, not a shorter record.
        test.execute("ALTER TABLE case_events DISABLE TRIGGER case_events_no_delete")
            .await
            .unwrap();
        test.execute(&format!("DELETE FROM case_events WHERE seq = {total}"))
            .await
            .unwrap();
        let error = test.store.verify().await.unwrap_err();
        let VerifyError::Broken(broken) = error else {
            panic!("a cut tail: {error}")
        };
        assert_eq!(broken.seq, total as u64);
        assert!(matches!(broken.fault, ChainFault::Gap { .. }));
    }
}

async fn the_board_lists_pending_deadlines_earliest_first(backend: Backend) {
    let test = populated(backend).await;
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

async fn cases_sharing_an_actor_or_a_resource_link_their_incidents(backend: Backend) {
    let test = TestStore::new(backend).await;
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

async fn staff_are_unique_by_username(backend: Backend) {
    let test = TestStore::new(backend).await;
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
        Some(member.clone())
    );
    // Sorted byte-wise on both stores, whatever the server's locale.
    let other = StaffMember {
        username: "aa".into(),
        ..member
    };
    test.store.add_staff(&other, at(RECEIVED)).await.unwrap();
    let names: Vec<String> = test
        .store
        .list_staff()
        .await
        .unwrap()
        .into_iter()
        .map(|member| member.username)
        .collect();
    assert_eq!(names, ["a.nurlanova", "aa"]);
}

const WRITERS: usize = 8;
const APPENDS: usize = 25;

/// Several instances (separate connection pools) append to their own cases
/// at once: the result is one chain, 1..N without gaps, that verifies, and
/// every case holds every event written to it.
async fn concurrent_instances_keep_one_gapless_chain(backend: Backend) {
    let test = TestStore::new(backend).await;
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let instance = test.another_instance().await;
        writers.push(tokio::spawn(async move {
            let case_id = submit_to(
                &instance,
                &form(
                    &format!("https://t.me/channel_{writer}"),
                    &format!("@actor_{writer}"),
                    "2026-11-20",
                ),
                RECEIVED,
            )
            .await;
            for append in 0..APPENDS {
                // The case had 2 events; each append adds one.
                let version = 2 + append as u64;
                let event = if append == 0 {
                    CaseEvent::ReviewStarted
                } else {
                    a_vote(&format!("e{writer}"), format!("vote {append}"))
                };
                instance
                    .append(&case_id, version, &[event], "e", at(RECEIVED))
                    .await
                    .unwrap();
            }
            instance.close().await;
            case_id
        }));
    }
    let mut case_ids = Vec::new();
    for writer in writers {
        case_ids.push(writer.await.unwrap());
    }
    let total = WRITERS * (2 + APPENDS);
    let seqs = test.all_seqs().await;
    assert_eq!(seqs, (1..=total as i64).collect::<Vec<_>>());
    assert_eq!(test.store.verify().await.unwrap().entries, total as u64);
    case_ids.sort();
    case_ids.dedup();
    assert_eq!(case_ids.len(), WRITERS);
    for case_id in &case_ids {
        let case = test.store.load_case(case_id).await.unwrap().unwrap();
        assert_eq!(case.version(), (2 + APPENDS) as u64, "{case_id}");
        let listed = test.store.list_cases(None).await.unwrap();
        assert_eq!(listed.len(), WRITERS);
    }
}

/// Instances that loaded the same version of one case and append at once:
/// exactly one wins, the others get `Conflict` and write nothing.
async fn racing_writers_on_one_case_let_exactly_one_win(backend: Backend) {
    let test = TestStore::new(backend).await;
    let case_id = test
        .submit(
            &form("https://t.me/a_channel", "@x", "2026-11-20"),
            RECEIVED,
        )
        .await;
    test.store
        .append(&case_id, 2, &[CaseEvent::ReviewStarted], "e", at(RECEIVED))
        .await
        .unwrap();
    for round in 0..5u64 {
        let version = 3 + round;
        let mut racers = Vec::new();
        for racer in 0..WRITERS {
            let instance = test.another_instance().await;
            let case_id = case_id.clone();
            racers.push(tokio::spawn(async move {
                let event = a_vote(&format!("e{racer}"), format!("round {round}"));
                let result = instance
                    .append(&case_id, version, &[event], "e", at(RECEIVED))
                    .await;
                instance.close().await;
                result
            }));
        }
        let mut won = 0;
        for racer in racers {
            match racer.await.unwrap() {
                Ok(()) => won += 1,
                Err(StoreError::Conflict) => {}
                Err(other) => panic!("round {round}: {other}"),
            }
        }
        assert_eq!(won, 1, "round {round}");
    }
    let case = test.store.load_case(&case_id).await.unwrap().unwrap();
    assert_eq!(case.version(), 3 + 5);
    assert_eq!(test.store.verify().await.unwrap().entries, 3 + 5);
}

fn other(backend: Backend) -> Backend {
    match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

async fn export_to_bytes(store: &AnyStore) -> Vec<u8> {
    let mut bytes = Vec::new();
    archive::export(store, at(RECEIVED), &mut bytes)
        .await
        .unwrap();
    bytes
}

/// Export from one store, import into the other: the record, its hashes and
/// everything a reader sees are the same, and the case numbers carry on.
async fn an_archive_moves_the_whole_store_to_the_other_store(backend: Backend) {
    let source = populated(backend).await;
    let bytes = export_to_bytes(&source.store).await;
    let target = TestStore::new(other(backend)).await;
    let summary = archive::import(&target.store, bytes.as_slice())
        .await
        .unwrap();
    assert_eq!(summary.events, source.count_events().await as u64);
    assert_eq!(summary.staff, 4);
    assert_eq!(summary.cases, 2);
    assert_eq!(
        summary.head,
        source.store.verify().await.unwrap().head,
        "the same chain"
    );
    assert_eq!(
        everything_readable(&target.store).await,
        everything_readable(&source.store).await
    );
    // And back again: byte for byte the same archive.
    assert_eq!(export_to_bytes(&target.store).await, bytes);
    // Both go on numbering where the record left off, and accept writes.
    let next = target
        .submit(
            &form("https://t.me/c_channel", "@third_actor", "2026-11-22"),
            RECEIVED,
        )
        .await;
    assert_eq!(next, "QG-2026-000003");
    target.store.verify().await.unwrap();
}

async fn an_archive_is_imported_only_into_an_empty_store(backend: Backend) {
    let source = populated(backend).await;
    let bytes = export_to_bytes(&source.store).await;
    // Into itself: not empty.
    let result = archive::import(&source.store, bytes.as_slice()).await;
    assert!(matches!(result, Err(ArchiveError::NotEmpty)), "{result:?}");
    // A store with only staff is not empty either.
    let target = TestStore::new(other(backend)).await;
    let member = StaffMember {
        username: "someone".into(),
        display_name: "Someone".into(),
        role: StaffRole::Coordinator,
        chair: false,
        active: true,
    };
    target.store.add_staff(&member, at(RECEIVED)).await.unwrap();
    let result = archive::import(&target.store, bytes.as_slice()).await;
    assert!(matches!(result, Err(ArchiveError::NotEmpty)), "{result:?}");
    assert_eq!(target.count_events().await, 0);
}

async fn a_tampered_archive_is_refused_and_writes_nothing(backend: Backend) {
    let source = populated(backend).await;
    let text = String::from_utf8(export_to_bytes(&source.store).await).unwrap();
    // The vote reasons of the third vote: a payload change with the hashes kept.
    let tampered = text.replacen("ordinary quarrel", "ordinary quarreL", 3);
    let tampered_seq = text
        .lines()
        .filter(|line| line.contains("\"kind\":\"event\""))
        .position(|line| line.contains("ordinary quarrel"))
        .unwrap() as u64
        + 1;
    let target = TestStore::new(other(backend)).await;
    let result = archive::import(&target.store, tampered.as_bytes()).await;
    let Err(ArchiveError::Broken(broken)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(broken.seq, tampered_seq);
    assert_eq!(broken.fault, ChainFault::HashMismatch);
    // A truncated archive (the end line lost) is refused as well.
    let truncated: String = text
        .lines()
        .filter(|line| !line.contains("\"kind\":\"end\""))
        .map(|line| format!("{line}\n"))
        .collect();
    let result = archive::import(&target.store, truncated.as_bytes()).await;
    assert!(
        matches!(result, Err(ArchiveError::Format { .. })),
        "{result:?}"
    );
    // Nothing was written by either attempt: the store is still empty.
    assert_eq!(target.count_events().await, 0);
    assert!(target.store.list_staff().await.unwrap().is_empty());
    assert!(target.store.list_cases(None).await.unwrap().is_empty());
    archive::import(&target.store, text.as_bytes())
        .await
        .unwrap();
}

/// The backup procedures of docs/operations.md: SQLite's online `VACUUM INTO`,
/// PostgreSQL's `pg_dump` restored with `psql`. The copy opens and verifies
/// with the same head.
async fn a_backup_restores_to_a_store_that_verifies(backend: Backend) {
    let test = populated(backend).await;
    let summary = test.store.verify().await.unwrap();
    let restored = match &test.store {
        AnyStore::Sqlite(store) => {
            let folder = tempfile::tempdir().unwrap();
            let copy = folder.path().join("qorgau.sqlite");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "VACUUM INTO '{}'",
                copy.display().to_string().replace('\'', "''")
            )))
            .execute(store.pool())
            .await
            .unwrap();
            let restored =
                AnyStore::open(&StoreLocation::Embedded(folder.path().to_owned()), false)
                    .await
                    .unwrap();
            let verified = restored.verify().await.unwrap();
            restored.close().await;
            verified
        }
        AnyStore::Postgres(_) => {
            let Place::Database(source) = &test.place else {
                unreachable!()
            };
            let copy = PgDatabase::create().await;
            let dump = std::process::Command::new("pg_dump")
                .args(["--no-owner", "--dbname", &source.url()])
                .output()
                .expect("pg_dump (the PostgreSQL client) is installed");
            assert!(
                dump.status.success(),
                "{}",
                String::from_utf8_lossy(&dump.stderr)
            );
            let mut psql = std::process::Command::new("psql")
                .args([
                    "--quiet",
                    "--set",
                    "ON_ERROR_STOP=1",
                    "--dbname",
                    &copy.url(),
                ])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            use std::io::Write;
            psql.stdin.take().unwrap().write_all(&dump.stdout).unwrap();
            assert!(psql.wait().unwrap().success());
            let restored = PgStore::open(&copy.url()).await.unwrap();
            let verified = restored.verify().await.unwrap();
            // The restored copy takes writes where the original left off.
            let next = submit_to(
                &AnyStore::Postgres(restored.clone()),
                &form("https://t.me/c_channel", "@third_actor", "2026-11-22"),
                RECEIVED,
            )
            .await;
            assert_eq!(next, "QG-2026-000003");
            restored.close().await;
            verified
        }
    };
    assert_eq!(restored, summary);
}

async fn staff_sign_in_state_is_kept(backend: Backend) {
    let test = populated(backend).await;
    assert_eq!(test.store.staff_password_hash("e1").await.unwrap(), None);
    test.store
        .set_staff_password("e1", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
        .await
        .unwrap();
    assert_eq!(
        test.store
            .staff_password_hash("e1")
            .await
            .unwrap()
            .as_deref(),
        Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA")
    );
    let result = test.store.set_staff_password("nobody", "x").await;
    assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}");
    let session = StaffSession {
        token_hash: "ab".repeat(32),
        username: "e1".into(),
        created_at: at(RECEIVED),
        expires_at: at("2026-12-02T18:00:00+05:00"),
    };
    test.store.create_session(&session).await.unwrap();
    assert_eq!(
        test.store.find_session(&session.token_hash).await.unwrap(),
        Some(session)
    );
    assert_eq!(test.store.find_session("cd").await.unwrap(), None);
    // Password hashes travel with an archive; sessions do not (sign in again).
    let target = TestStore::new(other(backend)).await;
    archive::import(&target.store, export_to_bytes(&test.store).await.as_slice())
        .await
        .unwrap();
    assert_eq!(
        target.store.staff_password_hash("e1").await.unwrap(),
        test.store.staff_password_hash("e1").await.unwrap()
    );
    assert_eq!(
        target.store.find_session(&"ab".repeat(32)).await.unwrap(),
        None
    );
}

async fn orders_reach_their_owners_and_only_them(backend: Backend) {
    let test = populated(backend).await;
    let case_id = "QG-2026-000002";
    for who in [
        expert("e1", false),
        expert("e2", false),
        expert("chair", true),
    ] {
        let vote = Command::Vote {
            vote: VoteChoice::Confirm,
            category: Category::Cyberbullying,
            indicators: vec![],
            reasons: "humiliating posts".into(),
        };
        test.run(case_id, &who, vote, RECEIVED).await;
    }
    let coordinator = Actor {
        name: "coord".into(),
        role: Role::Coordinator,
    };
    // One incident on record: the group says why it is systematic all the same.
    let decide = Command::Decide {
        group_size: 3,
        linked_incidents: vec![],
        override_reason: Some("the posts were reposted daily".into()),
    };
    test.run(case_id, &coordinator, decide, RECEIVED).await;
    let state = test
        .store
        .load_case(case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    let order = state
        .orders
        .first()
        .expect("a confirmed decision orders removal");
    let owner = ResourceOwner {
        name: order.owner.clone(),
        display_name: "Telegram FZ-LLC".into(),
        api_key_hash: "ef".repeat(32),
        domains: vec!["t.me".into(), "telegram.org".into()],
    };
    test.store.add_owner(&owner, at(RECEIVED)).await.unwrap();
    let same_key = ResourceOwner {
        name: "someone-else".into(),
        ..owner.clone()
    };
    for duplicate in [&owner, &same_key] {
        let result = test.store.add_owner(duplicate, at(RECEIVED)).await;
        assert!(
            matches!(result, Err(StoreError::AlreadyExists(_))),
            "{result:?}"
        );
    }
    assert_eq!(
        test.store
            .find_owner_by_key(&owner.api_key_hash)
            .await
            .unwrap(),
        Some(owner.clone())
    );
    assert_eq!(test.store.list_owners().await.unwrap(), vec![owner.clone()]);
    let orders = test.store.owner_orders(&owner.name, true).await.unwrap();
    assert_eq!(
        orders.len(),
        state
            .orders
            .iter()
            .filter(|o| o.owner == owner.name)
            .count()
    );
    assert_eq!(orders[0].order_id, order.order_id);
    assert_eq!(orders[0].case_id, case_id);
    assert_eq!(orders[0].urls, order.urls);
    assert!(
        test.store
            .owner_orders("nobody", false)
            .await
            .unwrap()
            .is_empty()
    );
    // Owners travel with the archive, and their orders are rebuilt from the events.
    let target = TestStore::new(other(backend)).await;
    archive::import(&target.store, export_to_bytes(&test.store).await.as_slice())
        .await
        .unwrap();
    assert_eq!(
        target.store.list_owners().await.unwrap(),
        vec![owner.clone()]
    );
    assert_eq!(
        target.store.owner_orders(&owner.name, true).await.unwrap(),
        orders
    );
    assert_eq!(
        target.store.staff_password_hash("coord").await.unwrap(),
        None
    );
}
