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
use qorgau_domain::procedure::EvidenceKind;
use qorgau_domain::procedure::{
    Actor, CaseEvent, CasePhase, Command, Context, DeadlineKind, Role, VoteChoice, handle,
    receive_application,
};
use qorgau_domain::record::ChainFault;
use qorgau_domain::regime::Regimes;
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::merkle::{MemoryLeafStore, MerkleLog, leaf_hash};
use qorgau_evidence::receipt::LogEntry;
use qorgau_store::archive::{self, ArchiveError};
use qorgau_store::{
    AnyStore, JobStatus, Links, LogBreak, NewJob, OwnerSession, PgStore, ResourceOwner,
    StaffMember, StaffRole, StaffSession, Statistics, Store, StoreError, StoreLocation,
    StoredCheckpoint, VerifyError, place_evidence_leaves,
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
    the_statistics_read_model_matches_the_events,
    the_tallies_are_summed_when_their_migration_is_applied,
    each_owners_removal_times_are_summed_when_their_migration_is_applied,
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
    the_metrics_gauges_count_what_the_full_reads_show,
    the_writer_counts_its_batches_and_writes,
    cases_sharing_an_actor_or_a_resource_link_their_incidents,
    staff_are_unique_by_username,
    concurrent_instances_keep_one_gapless_chain,
    racing_writers_on_one_case_let_exactly_one_win,
    an_archive_moves_the_whole_store_to_the_other_store,
    an_archive_is_imported_only_into_an_empty_store,
    a_tampered_archive_is_refused_and_writes_nothing,
    a_backup_restores_to_a_store_that_verifies,
    staff_sign_in_state_is_kept,
    sessions_end_when_signed_out_idle_expired_or_their_key_changes,
    orders_reach_their_owners_and_only_them,
    jobs_exist_iff_their_events_were_recorded,
    a_job_is_claimed_by_one_worker_and_retried_until_given_up,
    concurrent_workers_never_claim_one_job_twice,
    the_log_mirrors_the_record_and_evidence_is_indexed,
    a_misplaced_evidence_leaf_is_a_conflict_and_writes_nothing,
    a_tampered_log_or_checkpoint_fails_verification,
    an_archive_rebuilds_the_log_and_the_evidence_index,
    a_failing_write_in_a_batch_fails_alone,
    many_writers_share_commits_and_keep_one_gapless_chain,
    a_person_link_holds_across_cases_and_survives_an_archive,
    the_link_lookup_reads_each_keys_most_recent_cases_and_links_as_a_full_read,
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

/// The events of an electronic application received at `now`.
fn received(form: &ApplicationForm, now: Timestamp) -> Vec<CaseEvent> {
    receive_application(
        form,
        Channel::Electronic,
        now,
        now,
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    )
    .unwrap()
}

async fn submit_to(store: &AnyStore, form: &ApplicationForm, when: &str) -> String {
    let now = at(when);
    let events = received(form, now);
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
    let events = received(
        &form("https://t.me/c_channel", "@third_actor", "2026-11-20"),
        now,
    );
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

/// `case_gauges` counts in the database what `/metrics` once counted from
/// every case and deadline read: the two must agree at every instant.
async fn the_metrics_gauges_count_what_the_full_reads_show(backend: Backend) {
    let test = populated(backend).await;
    let cases = test.store.list_cases(None).await.unwrap();
    let deadlines = test.store.deadlines().await.unwrap();
    assert!(deadlines.len() >= 2, "{deadlines:?}");
    let mut instants: Vec<Timestamp> = deadlines.iter().map(|row| row.deadline.due_at).collect();
    instants.extend(
        deadlines
            .iter()
            .map(|row| row.deadline.due_at - jiff::SignedDuration::from_millis(1)),
    );
    let received: Timestamp = RECEIVED.parse().unwrap();
    instants.push(received);
    for now in instants {
        let gauges = test.store.case_gauges(now).await.unwrap();
        let mut per_phase: std::collections::BTreeMap<String, u64> = Default::default();
        for case in &cases {
            *per_phase.entry(case.phase.clone()).or_default() += 1;
        }
        assert_eq!(gauges.cases_per_phase, per_phase);
        let mut overdue: std::collections::BTreeMap<String, u64> = Default::default();
        for row in &deadlines {
            *overdue
                .entry(row.deadline.kind.as_str().to_owned())
                .or_default() += u64::from(now >= row.deadline.due_at);
        }
        assert_eq!(gauges.overdue_per_kind, overdue, "at {now}");
    }
    // Some instant sees a deadline overdue and another none, or the test
    // proves nothing about the comparison.
    let latest = deadlines
        .iter()
        .map(|row| row.deadline.due_at)
        .max()
        .unwrap();
    let all = test.store.case_gauges(latest).await.unwrap();
    assert_eq!(
        all.overdue_per_kind.values().sum::<u64>(),
        deadlines.len() as u64
    );
    let none = test.store.case_gauges(received).await.unwrap();
    assert_eq!(none.overdue_per_kind.values().sum::<u64>(), 0);
}

/// `/metrics` shows the writer's work: one batch per lone write, fewer
/// batches than writes when writes wait together, the time spent on them.
async fn the_writer_counts_its_batches_and_writes(backend: Backend) {
    let test = TestStore::new(backend).await;
    assert_eq!(
        test.store.writer_stats(),
        qorgau_store::WriterStats::default()
    );
    for number in 0..3 {
        test.submit(
            &form(
                "https://t.me/a_channel",
                &format!("@account{number}"),
                "2026-11-20",
            ),
            RECEIVED,
        )
        .await;
    }
    let alone = test.store.writer_stats();
    assert_eq!((alone.batches, alone.writes), (3, 3));
    assert!(alone.busy > std::time::Duration::ZERO);
    let together = 32;
    let mut writes = tokio::task::JoinSet::new();
    for number in 0..together {
        let store = test.store.clone();
        let form = form(
            "https://t.me/a_channel",
            &format!("@other{number}"),
            "2026-11-21",
        );
        writes.spawn(async move { submit_to(&store, &form, RECEIVED).await });
    }
    writes.join_all().await;
    let after = test.store.writer_stats();
    assert_eq!(after.writes, 3 + together);
    assert!(
        (alone.batches + 1..alone.batches + together).contains(&after.batches),
        "{} batches for {together} writes at once",
        after.batches - alone.batches
    );
    assert!(after.busy > alone.busy);
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

async fn sessions_end_when_signed_out_idle_expired_or_their_key_changes(backend: Backend) {
    let test = populated(backend).await;
    let owner = ResourceOwner {
        name: "telegram".into(),
        display_name: "Telegram FZ-LLC".into(),
        api_key_hash: "0a".repeat(32),
        domains: vec!["t.me".into()],
    };
    test.store.add_owner(&owner, at(RECEIVED)).await.unwrap();
    let idle = jiff::SignedDuration::from_mins(30);
    let portal = OwnerSession {
        token_hash: "1b".repeat(32),
        owner: "telegram".into(),
        api_key_hash: owner.api_key_hash.clone(),
        created_at: at(RECEIVED),
        expires_at: at("2026-12-02T18:00:00+05:00"),
    };
    test.store.create_owner_session(&portal).await.unwrap();
    let touch = |token_hash: String, when: &'static str| {
        let store = &test.store;
        async move {
            store
                .touch_owner_session(&token_hash, at(when), idle)
                .await
                .unwrap()
        }
    };
    // Live while used within the idle time and before the absolute expiry.
    assert_eq!(
        touch(portal.token_hash.clone(), "2026-12-02T10:20:00+05:00").await,
        Some(owner.clone())
    );
    assert!(
        touch(portal.token_hash.clone(), "2026-12-02T11:00:00+05:00")
            .await
            .is_none(),
        "idle for 40 minutes"
    );
    let late = OwnerSession {
        token_hash: "2c".repeat(32),
        ..portal.clone()
    };
    test.store.create_owner_session(&late).await.unwrap();
    assert!(
        touch(late.token_hash.clone(), "2026-12-02T10:05:00+05:00")
            .await
            .is_some()
    );
    assert!(
        touch(late.token_hash.clone(), "2026-12-02T18:00:00+05:00")
            .await
            .is_none(),
        "past the absolute expiry"
    );
    // A session opened with a key the owner no longer has has ended.
    let rotated = OwnerSession {
        token_hash: "3d".repeat(32),
        ..portal.clone()
    };
    test.store.create_owner_session(&rotated).await.unwrap();
    assert!(
        touch(rotated.token_hash.clone(), "2026-12-02T10:05:00+05:00")
            .await
            .is_some()
    );
    test.execute(&format!(
        "UPDATE resource_owners SET api_key_hash = '{}' WHERE name = 'telegram'",
        "4e".repeat(32)
    ))
    .await
    .unwrap();
    assert!(
        touch(rotated.token_hash.clone(), "2026-12-02T10:06:00+05:00")
            .await
            .is_none(),
        "the key changed"
    );
    // Signing out ends a staff or an owner session at once, and only that one.
    let rekeyed = OwnerSession {
        token_hash: "5f".repeat(32),
        api_key_hash: "4e".repeat(32),
        ..portal.clone()
    };
    test.store.create_owner_session(&rekeyed).await.unwrap();
    let staff = StaffSession {
        token_hash: "6a".repeat(32),
        username: "e1".into(),
        created_at: at(RECEIVED),
        expires_at: at("2026-12-02T18:00:00+05:00"),
    };
    let colleague = StaffSession {
        token_hash: "7b".repeat(32),
        ..staff.clone()
    };
    test.store.create_session(&staff).await.unwrap();
    test.store.create_session(&colleague).await.unwrap();
    assert!(test.store.end_session(&staff.token_hash).await.unwrap());
    assert!(!test.store.end_session(&staff.token_hash).await.unwrap());
    let now = at("2026-12-02T10:07:00+05:00");
    assert!(
        test.store
            .touch_session(&staff.token_hash, now, idle)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        test.store
            .touch_session(&colleague.token_hash, now, idle)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        touch(rekeyed.token_hash.clone(), "2026-12-02T10:07:00+05:00")
            .await
            .is_some()
    );
    assert!(test.store.end_session(&rekeyed.token_hash).await.unwrap());
    assert!(
        touch(rekeyed.token_hash.clone(), "2026-12-02T10:08:00+05:00")
            .await
            .is_none()
    );
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
        Some(session.clone())
    );
    assert_eq!(test.store.find_session("cd").await.unwrap(), None);
    // Idle expiry: used within 30 minutes the session lives on (and the use
    // counts); unused for longer, or past its absolute expiry, it has ended.
    let idle = jiff::SignedDuration::from_mins(30);
    let touch = |when: &str| {
        test.store
            .touch_session(&session.token_hash, at(when), idle)
    };
    assert!(touch("2026-12-02T10:20:00+05:00").await.unwrap().is_some());
    assert!(touch("2026-12-02T10:45:00+05:00").await.unwrap().is_some());
    assert!(touch("2026-12-02T11:16:00+05:00").await.unwrap().is_none());
    let late = StaffSession {
        token_hash: "ef".repeat(32),
        ..session.clone()
    };
    test.store.create_session(&late).await.unwrap();
    assert!(
        test.store
            .touch_session(&late.token_hash, at("2026-12-02T10:10:00+05:00"), idle)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        test.store
            .touch_session(&late.token_hash, at("2026-12-02T18:00:00+05:00"), idle)
            .await
            .unwrap()
            .is_none()
    );
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

// ---------------------------------------------------------------------------
// Evidence: jobs, the transparency log, the evidence index

fn a_job(kind: &str, payload: &str, run_at: &str) -> NewJob {
    NewJob {
        kind: kind.into(),
        payload: payload.into(),
        run_at: at(run_at),
    }
}

/// An `evidence_captured` event for `case`, its leaf at `log_index`.
fn captured(evidence_id: &str, log_index: u64, bytes: &[u8]) -> CaseEvent {
    CaseEvent::EvidenceCaptured {
        evidence_id: evidence_id.into(),
        kind: EvidenceKind::Capture,
        url: "https://t.me/a_channel".into(),
        digest: Sha256Digest::of(bytes).to_string(),
        size: bytes.len() as u64,
        captured_at: at(RECEIVED),
        log_index,
        http_status: 200,
        problem: None,
        original_id: None,
        original_digest: None,
        fingerprint: None,
        browser: None,
        stripped: None,
    }
}

/// Appends facts as the worker does: each evidence leaf where the log is now.
async fn record(test: &TestStore, case_id: &str, mut events: Vec<CaseEvent>) {
    let case = test.store.load_case(case_id).await.unwrap().unwrap();
    let size = test.store.log_size().await.unwrap();
    place_evidence_leaves(&mut events, size);
    test.store
        .append(case_id, case.version(), &events, "qorgau", at(RECEIVED))
        .await
        .unwrap();
}

/// The root of the log's first `size` leaves, computed from the stored leaves.
async fn root_of(store: &AnyStore, size: u64) -> [u8; 32] {
    let mut tree = MerkleLog::new(MemoryLeafStore::new());
    for leaf in store.log_leaves(0, 10_000).await.unwrap() {
        tree.append(&leaf.entry).unwrap();
    }
    tree.root(size).unwrap()
}

async fn jobs_exist_iff_their_events_were_recorded(backend: Backend) {
    let test = TestStore::new(backend).await;
    let now = at(RECEIVED);
    let events = received(&form("https://t.me/a_channel", "@x", "2026-11-20"), now);
    let jobs = [
        a_job(
            "capture",
            r#"{"evidence_id":"ev_1","url":"https://t.me/a_channel"}"#,
            RECEIVED,
        ),
        a_job(
            "capture",
            r#"{"evidence_id":"ev_2","url":"https://t.me/b"}"#,
            RECEIVED,
        ),
    ];
    let case_id = test
        .store
        .create_case_with(2026, &events, &jobs, "applicant", now)
        .await
        .unwrap();
    let stored = test.store.jobs(Some(&case_id)).await.unwrap();
    assert_eq!(stored.len(), 2);
    for (job, sent) in stored.iter().zip(&jobs) {
        assert_eq!(job.case_id.as_deref(), Some(case_id.as_str()));
        assert_eq!(
            (&job.kind, &job.payload, job.run_at),
            (&sent.kind, &sent.payload, sent.run_at)
        );
        assert_eq!(
            (job.status, job.attempts, job.last_error.as_deref()),
            (JobStatus::Queued, 0, None)
        );
    }
    // A write that loses (a stale version) enqueues nothing.
    let late = [a_job("recapture", "{}", RECEIVED)];
    let result = test
        .store
        .append_with(
            &case_id,
            1,
            &[CaseEvent::ReviewStarted],
            &late,
            "coord",
            now,
        )
        .await;
    assert!(matches!(result, Err(StoreError::Conflict)), "{result:?}");
    // Nor does one the fold refuses (a case is received once).
    let result = test
        .store
        .append_with(&case_id, 2, &events[..1], &late, "coord", now)
        .await;
    assert!(result.is_err());
    assert_eq!(test.store.jobs(None).await.unwrap().len(), 2);
    // A write that commits enqueues its jobs with it.
    test.store
        .append_with(
            &case_id,
            2,
            &[CaseEvent::ReviewStarted],
            &late,
            "coord",
            now,
        )
        .await
        .unwrap();
    let all = test.store.jobs(None).await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].kind, "recapture");
    // Jobs outside a case write.
    let id = test
        .store
        .enqueue_job(None, &a_job("capture", "{}", RECEIVED), now)
        .await
        .unwrap();
    assert!(
        test.store
            .jobs(Some(&case_id))
            .await
            .unwrap()
            .iter()
            .all(|job| job.id != id)
    );
    assert_eq!(test.store.jobs(None).await.unwrap().len(), 4);
}

async fn a_job_is_claimed_by_one_worker_and_retried_until_given_up(backend: Backend) {
    let test = TestStore::new(backend).await;
    let start = at(RECEIVED);
    let later = |minutes: i64| start + jiff::SignedDuration::from_mins(minutes);
    let id = test
        .store
        .enqueue_job(
            Some("QG-2026-000001"),
            &a_job("capture", "{}", "2026-12-02T10:05:00+05:00"),
            start,
        )
        .await
        .unwrap();
    // Not due yet.
    assert!(
        test.store
            .claim_job(start, later(15))
            .await
            .unwrap()
            .is_none()
    );
    let claimed = test
        .store
        .claim_job(later(5), later(15))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (claimed.id, claimed.status, claimed.attempts),
        (id, JobStatus::Running, 1)
    );
    // Claimed: nobody else gets it while the lease runs…
    assert!(
        test.store
            .claim_job(later(6), later(16))
            .await
            .unwrap()
            .is_none()
    );
    let other = test.another_instance().await;
    assert!(
        other
            .claim_job(later(14), later(24))
            .await
            .unwrap()
            .is_none()
    );
    // …and after it ends (the worker died) another worker takes it over.
    let again = other
        .claim_job(later(15), later(25))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (id, 2));
    // A failed attempt is retried at the time given, with its reason kept.
    test.store
        .fail_job(id, "dns", Some(later(30)), later(16))
        .await
        .unwrap();
    let waiting = &test.store.jobs(None).await.unwrap()[0];
    assert_eq!(
        (
            waiting.status,
            waiting.run_at,
            waiting.last_error.as_deref()
        ),
        (JobStatus::Queued, later(30), Some("dns"))
    );
    assert!(
        test.store
            .claim_job(later(29), later(40))
            .await
            .unwrap()
            .is_none()
    );
    let third = test
        .store
        .claim_job(later(30), later(40))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.attempts, 3);
    // Given up: kept, with its reason, and never claimed again.
    test.store
        .fail_job(id, "refused_address", None, later(31))
        .await
        .unwrap();
    let failed = &test.store.jobs(None).await.unwrap()[0];
    assert_eq!(
        (failed.status, failed.last_error.as_deref()),
        (JobStatus::Failed, Some("refused_address"))
    );
    assert!(
        test.store
            .claim_job(later(999), later(1000))
            .await
            .unwrap()
            .is_none()
    );
    // Done is done.
    let second = test
        .store
        .enqueue_job(None, &a_job("capture", "{}", RECEIVED), start)
        .await
        .unwrap();
    let claimed = test
        .store
        .claim_job(later(1), later(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, second);
    test.store.complete_job(second, later(1)).await.unwrap();
    assert_eq!(
        test.store.jobs(None).await.unwrap()[1].status,
        JobStatus::Done
    );
    assert!(
        test.store
            .claim_job(later(999), later(1000))
            .await
            .unwrap()
            .is_none()
    );
}

async fn concurrent_workers_never_claim_one_job_twice(backend: Backend) {
    let test = TestStore::new(backend).await;
    let now = at(RECEIVED);
    const JOBS: usize = 40;
    for number in 0..JOBS {
        test.store
            .enqueue_job(
                None,
                &a_job("capture", &format!("{{\"n\":{number}}}"), RECEIVED),
                now,
            )
            .await
            .unwrap();
    }
    let lease = now + jiff::SignedDuration::from_mins(10);
    let mut workers = Vec::new();
    for _ in 0..4 {
        let store = test.another_instance().await;
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store.claim_job(now, lease).await.unwrap() {
                mine.push(job.id);
                store.complete_job(job.id, now).await.unwrap();
            }
            mine
        }));
    }
    let mut claimed = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.unwrap());
    }
    claimed.sort_unstable();
    let before = claimed.len();
    claimed.dedup();
    assert_eq!(before, claimed.len(), "a job was claimed twice");
    assert_eq!(claimed.len(), JOBS);
    assert!(
        test.store
            .jobs(None)
            .await
            .unwrap()
            .iter()
            .all(|job| job.status == JobStatus::Done)
    );
}

async fn the_log_mirrors_the_record_and_evidence_is_indexed(backend: Backend) {
    let test = populated(backend).await;
    let events = test.count_events().await as u64;
    assert_eq!(
        test.store.log_size().await.unwrap(),
        events,
        "one leaf per entry"
    );
    let leaves = test.store.log_leaves(0, 1000).await.unwrap();
    for (index, leaf) in leaves.iter().enumerate() {
        assert_eq!(leaf.index, index as u64);
        let entry = LogEntry::from_bytes(&leaf.entry).unwrap();
        assert!(matches!(entry, LogEntry::CaseEvent { seq, .. } if seq == index as u64 + 1));
        assert_eq!(leaf.leaf_hash, leaf_hash(&leaf.entry));
    }
    let case_id = test.store.list_cases(None).await.unwrap()[1]
        .case_id
        .clone();
    assert!(test.store.case_evidence(&case_id).await.unwrap().is_empty());
    // A failed attempt, then the capture: one item, now ok, its leaf just
    // before its event's own.
    record(
        &test,
        &case_id,
        vec![CaseEvent::CaptureFailed {
            evidence_id: "ev_a".into(),
            kind: EvidenceKind::Capture,
            url: "https://t.me/a_channel".into(),
            reason: "dns".into(),
            attempt: 1,
            failed_at: at(RECEIVED),
            retry_at: Some(at("2026-12-02T10:01:00+05:00")),
        }],
    )
    .await;
    let items = test.store.case_evidence(&case_id).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (
            items[0].status.as_str(),
            items[0].reason.as_deref(),
            items[0].attempts,
            items[0].digest.as_deref()
        ),
        ("failed", Some("dns"), 1, None)
    );
    let size = test.store.log_size().await.unwrap();
    record(&test, &case_id, vec![captured("ev_a", 0, b"warc bytes")]).await;
    let items = test.store.case_evidence(&case_id).await.unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item.evidence_id, "ev_a");
    assert_eq!(item.case_id, case_id);
    assert_eq!(
        (
            item.kind.as_str(),
            item.status.as_str(),
            item.reason.as_deref()
        ),
        ("capture", "ok", None)
    );
    assert_eq!(
        item.digest,
        Some(Sha256Digest::of(b"warc bytes").to_string())
    );
    assert_eq!(
        (item.size, item.log_index, item.captured_at),
        (Some(10), Some(size), Some(at(RECEIVED)))
    );
    let leaves = test.store.log_leaves(size, 10).await.unwrap();
    assert_eq!(leaves.len(), 2);
    let LogEntry::Evidence {
        digest,
        kind,
        size: bytes,
        ..
    } = LogEntry::from_bytes(&leaves[0].entry).unwrap()
    else {
        panic!("the item's leaf comes first")
    };
    assert_eq!(
        (digest, kind, bytes),
        (
            Sha256Digest::of(b"warc bytes"),
            qorgau_evidence::receipt::EvidenceKind::Capture,
            10
        )
    );
    assert!(matches!(
        LogEntry::from_bytes(&leaves[1].entry).unwrap(),
        LogEntry::CaseEvent { .. }
    ));
    // The whole log checks against the record, and against a checkpoint.
    let summary = test.store.verify_log().await.unwrap();
    assert_eq!(
        (summary.leaves, summary.evidence, summary.latest),
        (size + 2, 1, None)
    );
    let checkpoint = StoredCheckpoint {
        tree_size: size + 1,
        root: root_of(&test.store, size + 1).await,
        note: "note".into(),
        signed_at: at(RECEIVED),
    };
    test.store.save_checkpoint(&checkpoint).await.unwrap();
    // One per size: a second is ignored.
    test.store
        .save_checkpoint(&StoredCheckpoint {
            note: "other".into(),
            ..checkpoint.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        test.store.latest_checkpoint().await.unwrap(),
        Some(checkpoint.clone())
    );
    let summary = test.store.verify_log().await.unwrap();
    assert_eq!(summary.latest, Some(checkpoint));
    assert_eq!(summary.root, root_of(&test.store, size + 2).await);
    // The log is append-only, like the record.
    let mut statements = vec!["UPDATE log_leaves SET seq = 1", "DELETE FROM log_leaves"];
    if backend == Backend::Postgres {
        statements.push("TRUNCATE log_leaves");
    }
    for statement in statements {
        let error = test.execute(statement).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{error}");
    }
    // And it is still there after reopening.
    test.store.close().await;
    let reopened = test.another_instance().await;
    assert_eq!(reopened.verify_log().await.unwrap().leaves, size + 2);
}

async fn a_misplaced_evidence_leaf_is_a_conflict_and_writes_nothing(backend: Backend) {
    let test = populated(backend).await;
    let case_id = test.store.list_cases(None).await.unwrap()[1]
        .case_id
        .clone();
    let case = test.store.load_case(&case_id).await.unwrap().unwrap();
    let size = test.store.log_size().await.unwrap();
    let jobs = [a_job("recapture", "{}", RECEIVED)];
    for wrong in [size - 1, size + 1] {
        let result = test
            .store
            .append_with(
                &case_id,
                case.version(),
                &[captured("ev_b", wrong, b"x")],
                &jobs,
                "qorgau",
                at(RECEIVED),
            )
            .await;
        assert!(
            matches!(result, Err(StoreError::Conflict)),
            "{wrong}: {result:?}"
        );
    }
    assert_eq!(test.store.log_size().await.unwrap(), size);
    assert_eq!(
        test.store
            .load_case(&case_id)
            .await
            .unwrap()
            .unwrap()
            .version(),
        case.version()
    );
    assert!(test.store.jobs(None).await.unwrap().is_empty());
    assert!(test.store.case_evidence(&case_id).await.unwrap().is_empty());
    // An item is captured once; a re-capture follows a capture.
    record(&test, &case_id, vec![captured("ev_b", 0, b"x")]).await;
    let case = test.store.load_case(&case_id).await.unwrap().unwrap();
    let mut again = vec![captured("ev_b", 0, b"y")];
    place_evidence_leaves(&mut again, test.store.log_size().await.unwrap());
    let result = test
        .store
        .append(&case_id, case.version(), &again, "qorgau", at(RECEIVED))
        .await;
    assert!(matches!(result, Err(StoreError::Corrupt(_))), "{result:?}");
}

async fn a_tampered_log_or_checkpoint_fails_verification(backend: Backend) {
    let test = populated(backend).await;
    let case_id = test.store.list_cases(None).await.unwrap()[1]
        .case_id
        .clone();
    record(&test, &case_id, vec![captured("ev_c", 0, b"capture")]).await;
    let size = test.store.log_size().await.unwrap();
    test.store.verify_log().await.unwrap();
    // A checkpoint whose root is not the log's.
    test.store
        .save_checkpoint(&StoredCheckpoint {
            tree_size: size,
            root: [7; 32],
            note: "forged".into(),
            signed_at: at(RECEIVED),
        })
        .await
        .unwrap();
    let error = test.store.verify_log().await.unwrap_err();
    assert!(
        matches!(error, VerifyError::Log(LogBreak::Checkpoint { tree_size }) if tree_size == size),
        "{error}"
    );
    // A checkpoint of more leaves than the log has.
    test.store
        .save_checkpoint(&StoredCheckpoint {
            tree_size: size + 5,
            root: [7; 32],
            note: "ahead".into(),
            signed_at: at(RECEIVED),
        })
        .await
        .unwrap();
    let error = test.store.verify_log().await.unwrap_err();
    assert!(
        matches!(error, VerifyError::Log(LogBreak::Checkpoint { .. })),
        "{error}"
    );
    test.execute("DELETE FROM log_checkpoints").await.unwrap();
    test.store.verify_log().await.unwrap();
    // A changed leaf: the one of the evidence item.
    let allow = match backend {
        Backend::Sqlite => "DROP TRIGGER log_leaves_no_update",
        Backend::Postgres => "ALTER TABLE log_leaves DISABLE TRIGGER log_leaves_no_update",
    };
    test.execute(allow).await.unwrap();
    let evidence_leaf = size - 2;
    let original: Vec<u8> = test.store.log_leaves(evidence_leaf, 1).await.unwrap()[0]
        .entry
        .clone();
    let forged = String::from_utf8(original.clone())
        .unwrap()
        .replace("\"size\":7", "\"size\":8");
    let literal = |bytes: &[u8]| match backend {
        Backend::Sqlite => format!("X'{}'", hex::encode(bytes)),
        Backend::Postgres => format!("'\\x{}'::bytea", hex::encode(bytes)),
    };
    test.execute(&format!(
        "UPDATE log_leaves SET entry = {} WHERE idx = {evidence_leaf}",
        literal(forged.as_bytes())
    ))
    .await
    .unwrap();
    let error = test.store.verify_log().await.unwrap_err();
    assert!(
        matches!(error, VerifyError::Log(LogBreak::Leaf { index, .. }) if index == evidence_leaf),
        "{error}"
    );
    // Its hash too: still not the leaf the record calls for.
    test.execute(&format!(
        "UPDATE log_leaves SET leaf_hash = {} WHERE idx = {evidence_leaf}",
        literal(&leaf_hash(forged.as_bytes()))
    ))
    .await
    .unwrap();
    assert!(matches!(
        test.store.verify_log().await,
        Err(VerifyError::Log(LogBreak::Leaf { .. }))
    ));
    // Restored: intact. Then a leaf the record does not account for.
    test.execute(&format!(
        "UPDATE log_leaves SET entry = {}, leaf_hash = {} WHERE idx = {evidence_leaf}",
        literal(&original),
        literal(&leaf_hash(&original))
    ))
    .await
    .unwrap();
    test.store.verify_log().await.unwrap();
    test.execute(&format!(
        "INSERT INTO log_leaves (idx, entry, leaf_hash, seq) VALUES ({size}, {}, {}, 999)",
        literal(b"{}"),
        literal(&leaf_hash(b"{}"))
    ))
    .await
    .unwrap();
    let error = test.store.verify_log().await.unwrap_err();
    assert!(
        matches!(error, VerifyError::Log(LogBreak::Extra { .. })),
        "{error}"
    );
}

async fn an_archive_rebuilds_the_log_and_the_evidence_index(backend: Backend) {
    let source = populated(backend).await;
    let case_id = source.store.list_cases(None).await.unwrap()[1]
        .case_id
        .clone();
    record(&source, &case_id, vec![captured("ev_d", 0, b"page")]).await;
    record(
        &source,
        &case_id,
        vec![CaseEvent::CaptureFailed {
            evidence_id: "ev_e".into(),
            kind: EvidenceKind::Capture,
            url: "https://t.me/b_channel".into(),
            reason: "refused_address".into(),
            attempt: 1,
            failed_at: at(RECEIVED),
            retry_at: None,
        }],
    )
    .await;
    let before = source.store.verify_log().await.unwrap();
    let target = TestStore::new(other(backend)).await;
    archive::import(
        &target.store,
        export_to_bytes(&source.store).await.as_slice(),
    )
    .await
    .unwrap();
    let after = target.store.verify_log().await.unwrap();
    assert_eq!(
        (after.leaves, after.evidence, after.root),
        (before.leaves, before.evidence, before.root)
    );
    assert_eq!(
        target.store.log_leaves(0, 10_000).await.unwrap(),
        source.store.log_leaves(0, 10_000).await.unwrap()
    );
    assert_eq!(
        target.store.case_evidence(&case_id).await.unwrap(),
        source.store.case_evidence(&case_id).await.unwrap()
    );
}

// ---------------------------------------------------------------------------
// Links between cases (issue 7): candidates by actor and by child, the links
// read from both sides, and the incident count following links and unlinks.

on_both_stores!(
    cases_about_one_child_are_found_by_keyed_hash_and_linked_both_ways,
    an_unlinked_case_no_longer_counts_towards_the_incidents,
    applications_are_linked_in_the_transaction_that_writes_them,
    cases_naming_one_resource_are_linked_and_a_popular_one_is_capped,
);

/// A new application through `create_application`, linked by its actor keys
/// and child: its case id and its events as recorded.
async fn apply_linked(store: &AnyStore, form: &ApplicationForm) -> (String, Vec<CaseEvent>) {
    let now = at(RECEIVED);
    let events = received(form, now);
    let state = qorgau_domain::procedure::CaseState::replay(&events).unwrap();
    let links = qorgau_store::LinkKeys::of(&state.application);
    store
        .create_application(2026, &events, &[], "qorgau", now, &links)
        .await
        .unwrap()
}

/// The earlier cases a case is linked to (links recorded in it).
fn linked_from(events: &[CaseEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|event| match event {
            CaseEvent::CasesLinked { other_case_id, .. } => Some(other_case_id.clone()),
            _ => None,
        })
        .collect()
}

async fn applications_are_linked_in_the_transaction_that_writes_them(backend: Backend) {
    let test = TestStore::new(backend).await;
    let first = test
        .submit(
            &about_child(
                "https://t.me/a",
                "@first",
                "2026-11-20",
                "Әлия Серік",
                Some(IIN),
            ),
            RECEIVED,
        )
        .await;
    let by_actor = test
        .submit(
            &about_child(
                "https://t.me/c",
                "@stalker",
                "2026-11-22",
                "Other Child",
                None,
            ),
            RECEIVED,
        )
        .await;
    // One application: linked to both, and told so in the events returned.
    let (one, recorded) = apply_linked(
        &test.store,
        &about_child(
            "https://vk.com/d",
            "https://t.me/Stalker",
            "2026-11-23",
            "әлия серік",
            Some(IIN),
        ),
    )
    .await;
    let stored = test.store.load_case(&one).await.unwrap().unwrap();
    assert_eq!(recorded, stored.events);
    let mut linked = linked_from(&recorded);
    linked.sort();
    assert_eq!(linked, [first.clone(), by_actor.clone()]);

    // Two instances on one database, many applications about the child at
    // once: each sees every case committed before its batch, whichever
    // instance wrote it, and only earlier ones.
    let other = AnyStore::open(&test.place.location(), false).await.unwrap();
    let mut writes = tokio::task::JoinSet::new();
    for number in 0..8 {
        let store = if number % 2 == 0 {
            test.store.clone()
        } else {
            other.clone()
        };
        let form = about_child(
            &format!("https://t.me/post{number}"),
            &format!("@account{number}"),
            "2026-11-24",
            "Әлия Серік",
            Some(IIN),
        );
        writes.spawn(async move { apply_linked(&store, &form).await });
    }
    let mut written: Vec<(String, Vec<CaseEvent>)> = writes.join_all().await;
    written.sort_by_key(|(case_id, _)| case_number(case_id));
    for (index, (case_id, events)) in written.iter().enumerate() {
        let links = linked_from(events);
        assert!(
            links.contains(&first) && links.contains(&one),
            "{case_id}: {links:?}"
        );
        let earlier: Vec<&String> = written[..index].iter().map(|(id, _)| id).collect();
        for link in &links {
            assert!(
                [&first, &one].contains(&link) || earlier.contains(&link),
                "{case_id} links to {link}, not an earlier case"
            );
        }
    }
    // Afterwards, one more: linked to all ten cases about the child.
    let (_, last) = apply_linked(
        &other,
        &about_child(
            "https://t.me/z",
            "@late",
            "2026-11-25",
            "Әлия Серік",
            Some(IIN),
        ),
    )
    .await;
    assert_eq!(linked_from(&last).len(), 10);
    test.store.verify().await.unwrap();
}

/// The number part of a case id (`2026-000123` → 123).
fn case_number(case_id: &str) -> u64 {
    case_id.rsplit('-').next().unwrap().parse().unwrap()
}

/// The child's IIN in the linking scenarios.
const IIN: &str = "130105500019";

/// Issue 7: cases that share an Internet resource are linked automatically,
/// as those sharing an actor or the child are — but a popular resource (a
/// class chat named by many families about many children) links only the
/// most recent `MAX_AUTOMATIC_RESOURCE_LINKS`, on both stores.
async fn cases_naming_one_resource_are_linked_and_a_popular_one_is_capped(backend: Backend) {
    use qorgau_domain::linking::LinkBasis;
    use qorgau_domain::procedure::command::MAX_AUTOMATIC_RESOURCE_LINKS;
    use qorgau_store::Links;
    let test = TestStore::new(backend).await;
    let class_chat = "https://t.me/class_7a";
    let class_chat_key = "telegram:channel:class_7a";
    // One earlier case naming the chat, about another child by another
    // account, and one naming another chat: only the first is linked.
    let first = test
        .submit(
            &about_child(class_chat, "@first", "2026-11-20", "Бала Бір", None),
            RECEIVED,
        )
        .await;
    let elsewhere = test
        .submit(
            &about_child(
                "https://t.me/other_chat",
                "@second",
                "2026-11-20",
                "Бала Екі",
                None,
            ),
            RECEIVED,
        )
        .await;
    let (new, events) = apply_linked(
        &test.store,
        &about_child(class_chat, "@third", "2026-11-21", "Бала Үш", None),
    )
    .await;
    let links: Vec<(String, LinkBasis, Option<String>, bool)> = events
        .iter()
        .filter_map(|event| match event {
            CaseEvent::CasesLinked {
                other_case_id,
                basis,
                resource_key,
                automatic,
                ..
            } => Some((
                other_case_id.clone(),
                *basis,
                resource_key.clone(),
                *automatic,
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        [(
            first.clone(),
            LinkBasis::SameResource,
            Some(class_chat_key.to_owned()),
            true
        )]
    );
    assert_ne!(first, elsewhere);
    // The read model answers from both sides.
    let from_first = test.store.case_links(&first).await.unwrap();
    assert_eq!(from_first.len(), 1);
    assert_eq!(from_first[0].other_case_id, new);
    assert_eq!(from_first[0].link.basis, LinkBasis::SameResource);
    assert_eq!(
        from_first[0].link.resource_key.as_deref(),
        Some(class_chat_key)
    );

    // Many more families name the chat: the next case is linked to the most
    // recent ten only.
    let mut naming: Vec<String> = vec![first.clone(), new.clone()];
    for number in 0..MAX_AUTOMATIC_RESOURCE_LINKS {
        let case_id = test
            .submit(
                &about_child(
                    class_chat,
                    &format!("@account{number}"),
                    "2026-11-22",
                    &format!("Child {number}"),
                    None,
                ),
                RECEIVED,
            )
            .await;
        naming.push(case_id);
    }
    let (_, events) = apply_linked(
        &test.store,
        &about_child(class_chat, "@late", "2026-11-23", "Late Child", None),
    )
    .await;
    let mut linked = linked_from(&events);
    linked.sort_by_key(|case_id| case_number(case_id));
    let most_recent: Vec<String> = naming[naming.len() - MAX_AUTOMATIC_RESOURCE_LINKS..].to_vec();
    assert_eq!(linked, most_recent);
    assert!(
        !linked.contains(&first),
        "the oldest is left to the experts"
    );
    // The lookup itself reads the chat's most recent cases only, however
    // many name it (the newest, `@late`'s, among them).
    let candidates = test
        .store
        .link_candidates(
            &[],
            &[class_chat_key.to_owned()],
            &child_of(&about_child(class_chat, "@x", "2026-11-23", "Nobody", None)),
        )
        .await
        .unwrap();
    assert_eq!(candidates.len(), MAX_AUTOMATIC_RESOURCE_LINKS);
    assert!(
        candidates
            .iter()
            .all(|candidate| candidate.resource_key.as_deref() == Some(class_chat_key))
    );
    test.store.verify().await.unwrap();
}

fn about_child(
    resource: &str,
    actor: &str,
    day: &str,
    name: &str,
    iin: Option<&str>,
) -> ApplicationForm {
    let mut form = form(resource, actor, day);
    form.child.name = Some(name.into());
    form.child.birth_date = Some("2013-01-05".into());
    form.child.iin = iin.map(str::to_owned);
    form
}

fn child_of(form: &ApplicationForm) -> qorgau_domain::application::Child {
    qorgau_domain::application::Child {
        name: form.child.name.clone(),
        birth_date: form
            .child
            .birth_date
            .as_ref()
            .map(|day| day.parse().unwrap()),
        iin: form.child.iin.clone(),
    }
}

/// The `(case_id, key)` rows of a two-column query, on either store.
async fn key_rows(test: &TestStore, sql: &str) -> Vec<(String, String)> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match &test.store {
        AnyStore::Sqlite(store) => sqlx::query_as(sql).fetch_all(store.pool()).await.unwrap(),
        AnyStore::Postgres(store) => sqlx::query_as(sql).fetch_all(store.pool()).await.unwrap(),
    }
}

/// The link lookup runs under the write lock, so it reads only each key's
/// most recent cases (as many as can be linked for its kind), never every
/// case that names a popular key — and links exactly as a read of every
/// case would. Ninety cases share three children, three accounts and three
/// chats in overlapping patterns, thirty on each key (more than any cap);
/// new applications naming several of them get the links that
/// `automatic_links` gives over all the rows, on both stores.
async fn the_link_lookup_reads_each_keys_most_recent_cases_and_links_as_a_full_read(
    backend: Backend,
) {
    use qorgau_domain::linking::child_match_keys;
    use qorgau_domain::procedure::LinkCandidate;
    use qorgau_domain::procedure::command::{
        MAX_AUTOMATIC_ACTOR_LINKS, MAX_AUTOMATIC_CHILD_LINKS, MAX_AUTOMATIC_RESOURCE_LINKS,
    };
    use qorgau_store::{LinkKeys, Links};
    let test = TestStore::new(backend).await;
    let children = ["Әлия Серік", "Bolat Nurlan", "Дана Ержан"];
    let day = |number: usize| format!("2026-11-{:02}", 1 + number % 20);
    for number in 0..90 {
        let mut form = about_child(
            &format!("https://t.me/chat_{}", number % 3),
            &format!("@account_{}", (number / 3) % 3),
            &day(number),
            children[(number / 9) % 3],
            None,
        );
        if number % 4 == 0 {
            // A second chat, so that cases share more than one key.
            form.resources.push(ResourceForm {
                url: format!("https://t.me/chat_{}", (number + 1) % 3),
            });
        }
        test.submit(&form, RECEIVED).await;
    }
    let (match_key,): (Vec<u8>,) = match &test.store {
        AnyStore::Sqlite(store) => sqlx::query_as("SELECT key FROM match_key WHERE id = 1")
            .fetch_one(store.pool())
            .await
            .unwrap(),
        AnyStore::Postgres(store) => sqlx::query_as("SELECT key FROM match_key WHERE id = 1")
            .fetch_one(store.pool())
            .await
            .unwrap(),
    };

    let now = at(RECEIVED);
    for (chat, account, child) in [
        (0, 0, 0),
        (1, 2, 1),
        (2, 1, 2),
        (0, 9, 9),
        (9, 1, 9),
        (9, 9, 0),
    ] {
        let form = about_child(
            &format!("https://t.me/chat_{chat}"),
            &format!("@account_{account}"),
            "2026-11-25",
            children.get(child).copied().unwrap_or("Nobody Known"),
            None,
        );
        // Every row, read again: each new application below adds a case.
        let every_actor = key_rows(&test, "SELECT case_id, actor_key FROM case_actors").await;
        let every_child = key_rows(&test, "SELECT case_id, child_key FROM case_children").await;
        let every_resource =
            key_rows(&test, "SELECT case_id, resource_key FROM case_resources").await;
        let state = qorgau_domain::procedure::CaseState::replay(&received(&form, now)).unwrap();
        let keys = LinkKeys::of(&state.application);
        let child_keys = child_match_keys(&keys.child, &match_key);
        let matching = |rows: &[(String, String)], wanted: &[String]| -> Vec<(String, String)> {
            rows.iter()
                .filter(|(_, key)| wanted.contains(key))
                .cloned()
                .collect()
        };
        let mut full: Vec<LinkCandidate> = Vec::new();
        for (case_id, key) in matching(&every_actor, &keys.actor_keys) {
            full.push(LinkCandidate {
                case_id,
                actor_key: Some(key),
                ..LinkCandidate::default()
            });
        }
        for (case_id, key) in matching(&every_child, &child_keys) {
            full.push(LinkCandidate {
                case_id,
                child_match: qorgau_domain::linking::ChildMatch::of_key(&key),
                ..LinkCandidate::default()
            });
        }
        for (case_id, key) in matching(&every_resource, &keys.resource_keys) {
            full.push(LinkCandidate {
                case_id,
                resource_key: Some(key),
                ..LinkCandidate::default()
            });
        }
        full.sort_by(|left, right| {
            (&left.case_id, &left.actor_key, &left.resource_key).cmp(&(
                &right.case_id,
                &right.actor_key,
                &right.resource_key,
            ))
        });
        let read = test
            .store
            .link_candidates(&keys.actor_keys, &keys.resource_keys, &keys.child)
            .await
            .unwrap();
        let bound = keys.actor_keys.len() * MAX_AUTOMATIC_ACTOR_LINKS
            + child_keys.len() * MAX_AUTOMATIC_CHILD_LINKS
            + keys.resource_keys.len() * MAX_AUTOMATIC_RESOURCE_LINKS;
        assert!(
            read.len() <= bound,
            "{} cases read, at most {bound}",
            read.len()
        );
        let expected = qorgau_domain::procedure::automatic_links(&full, now);
        assert_eq!(
            qorgau_domain::procedure::automatic_links(&read, now),
            expected,
            "chat {chat}, account {account}, child {child}"
        );
        // The write's own lookup, under the write lock, records the same.
        let (_, events) = apply_linked(&test.store, &form).await;
        let recorded: Vec<&CaseEvent> = events
            .iter()
            .filter(|event| matches!(event, CaseEvent::CasesLinked { .. }))
            .collect();
        assert_eq!(recorded, expected.iter().collect::<Vec<_>>());
    }
    test.store.verify().await.unwrap();
}

async fn count_rows(test: &TestStore, sql: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match &test.store {
        AnyStore::Sqlite(store) => sqlx::query_scalar(sql)
            .fetch_one(store.pool())
            .await
            .unwrap(),
        AnyStore::Postgres(store) => sqlx::query_scalar(sql)
            .fetch_one(store.pool())
            .await
            .unwrap(),
    }
}

async fn cases_about_one_child_are_found_by_keyed_hash_and_linked_both_ways(backend: Backend) {
    use qorgau_domain::linking::{ChildMatch, LinkBasis};
    use qorgau_store::Links;
    let test = TestStore::new(backend).await;
    let by_iin = test
        .submit(
            &about_child(
                "https://t.me/a",
                "@first",
                "2026-11-20",
                "Әлия Серік",
                Some(IIN),
            ),
            RECEIVED,
        )
        .await;
    let by_name = test
        .submit(
            &about_child(
                "https://vk.com/b",
                "@second",
                "2026-11-21",
                "Әлия  СЕРІК",
                None,
            ),
            RECEIVED,
        )
        .await;
    let by_actor = test
        .submit(
            &about_child(
                "https://t.me/c",
                "@stalker",
                "2026-11-22",
                "Other Child",
                None,
            ),
            RECEIVED,
        )
        .await;
    // A new application: the same IIN, another spelling of the name, and the
    // account of the third case.
    let new = about_child(
        "https://instagram.com/d",
        "https://t.me/Stalker",
        "2026-11-23",
        "әлия серік",
        Some(IIN),
    );
    let mut candidates = test
        .store
        .link_candidates(
            &["telegram:channel:stalker".to_owned()],
            &[],
            &child_of(&new),
        )
        .await
        .unwrap();
    candidates.sort_by(|left, right| left.case_id.cmp(&right.case_id));
    let found: Vec<(&str, Option<&str>, Option<ChildMatch>)> = candidates
        .iter()
        .map(|candidate| {
            (
                candidate.case_id.as_str(),
                candidate.actor_key.as_deref(),
                candidate.child_match,
            )
        })
        .collect();
    let actor_key = {
        let case = test.store.load_case(&by_actor).await.unwrap().unwrap();
        case.state().unwrap().application.incidents[0]
            .actor_key
            .clone()
            .unwrap()
    };
    assert_eq!(
        actor_key, "telegram:channel:stalker",
        "the normalizer's key"
    );
    assert_eq!(
        found,
        [
            (by_iin.as_str(), None, Some(ChildMatch::Iin)),
            (by_name.as_str(), None, Some(ChildMatch::NameAndBirthDate)),
            (by_actor.as_str(), Some("telegram:channel:stalker"), None),
        ]
    );
    // No second copy of the IIN: the read model holds keyed hashes only.
    assert_eq!(
        count_rows(
            &test,
            &format!("SELECT count(*) FROM case_children WHERE child_key LIKE '%{IIN}%'")
        )
        .await,
        0
    );
    assert!(count_rows(&test, "SELECT count(*) FROM case_children").await >= 3);

    // The new case records its automatic links; both sides see them.
    let now = at(RECEIVED);
    let mut events = received(&new, now);
    events.extend(qorgau_domain::procedure::automatic_links(&candidates, now));
    let newest = test
        .store
        .create_case(2026, &events, "qorgau", now)
        .await
        .unwrap();
    let from_new = test.store.case_links(&newest).await.unwrap();
    assert_eq!(from_new.len(), 3);
    assert!(
        from_new
            .iter()
            .all(|row| row.recorded_in == newest && row.link.automatic)
    );
    let from_old = test.store.case_links(&by_iin).await.unwrap();
    assert_eq!(from_old.len(), 1);
    assert_eq!(from_old[0].other_case_id, newest);
    assert_eq!(from_old[0].link.basis, LinkBasis::SameChild);
    assert_eq!(from_old[0].link.child_match, Some(ChildMatch::Iin));
    let actor_link = test.store.case_links(&by_actor).await.unwrap();
    assert_eq!(actor_link[0].link.basis, LinkBasis::SameActor);
}

async fn an_unlinked_case_no_longer_counts_towards_the_incidents(backend: Backend) {
    use qorgau_domain::linking::LinkBasis;
    use qorgau_store::Links;
    let test = TestStore::new(backend).await;
    let first = test
        .submit(
            &about_child("https://t.me/a", "@one", "2026-11-20", "A B", None),
            RECEIVED,
        )
        .await;
    let second = test
        .submit(
            &about_child("https://vk.com/b", "@two", "2026-11-21", "C D", None),
            RECEIVED,
        )
        .await;
    // Nothing shared: not linked.
    assert!(
        test.store
            .linked_incidents(&first)
            .await
            .unwrap()
            .is_empty()
    );
    let coordinator = Actor {
        name: "coord".into(),
        role: Role::Coordinator,
    };
    test.run(
        &second,
        &expert("expert1", false),
        Command::LinkCase {
            other_case_id: first.clone(),
            basis: LinkBasis::SameChild,
            actor_key: None,
            reason: "the same girl, her family name changed".into(),
        },
        RECEIVED,
    )
    .await;
    let days = |keys: Vec<qorgau_domain::procedure::IncidentKey>| {
        keys.iter()
            .map(|key| key.occurred_on.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        days(test.store.linked_incidents(&first).await.unwrap()),
        ["2026-11-21"]
    );
    assert_eq!(
        days(test.store.linked_incidents(&second).await.unwrap()),
        ["2026-11-20"]
    );
    let links = test.store.case_links(&first).await.unwrap();
    assert_eq!(links[0].link.by, "expert1");
    assert!(links[0].link.active);
    test.run(
        &second,
        &coordinator,
        Command::UnlinkCase {
            other_case_id: first.clone(),
            reason: "different children".into(),
        },
        RECEIVED,
    )
    .await;
    assert!(
        test.store
            .linked_incidents(&first)
            .await
            .unwrap()
            .is_empty()
    );
    let links = test.store.case_links(&first).await.unwrap();
    assert!(!links[0].link.active);
    assert_eq!(
        links[0].link.unlink_reason.as_deref(),
        Some("different children")
    );
    assert_eq!(links[0].link.unlinked_by.as_deref(), Some("coord"));
}

// ---------------------------------------------------------------------------
// Group commit: many writes, one writer per instance

/// The lock every write takes first (`BEGIN IMMEDIATE`; PostgreSQL's
/// `chain_head` row), held from outside as another writer mid-write would
/// hold it: the store's writer waits for it, and the writes sent meanwhile
/// queue up for one batch.
enum HeldLock {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl HeldLock {
    async fn take(store: &AnyStore) -> HeldLock {
        match store {
            AnyStore::Sqlite(store) => {
                HeldLock::Sqlite(store.pool().begin_with("BEGIN IMMEDIATE").await.unwrap())
            }
            AnyStore::Postgres(store) => {
                let mut transaction = store.pool().begin().await.unwrap();
                sqlx::query("SELECT seq FROM chain_head WHERE singleton FOR UPDATE")
                    .execute(&mut *transaction)
                    .await
                    .unwrap();
                HeldLock::Postgres(transaction)
            }
        }
    }

    async fn release(self) {
        match self {
            HeldLock::Sqlite(transaction) => transaction.rollback().await.unwrap(),
            HeldLock::Postgres(transaction) => transaction.rollback().await.unwrap(),
        }
    }
}

/// What became of one write, for comparing.
fn outcome<T>(result: &Result<T, StoreError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(StoreError::Conflict) => "conflict",
        Err(StoreError::CaseNotFound(_)) => "not found",
        Err(StoreError::Corrupt(_)) => "corrupt",
        Err(StoreError::Database(_)) => "refused by the database",
        Err(other) => panic!("unexpected: {other}"),
    }
}

/// Writes that fail — each for its own reason, one of them refused by the
/// database itself in the middle of a batch — queued together with good
/// ones behind a held lock, so they go to the writer as one batch: every bad
/// write fails alone and writes nothing, every good one is written (an
/// evidence item the store places lands behind the others' leaves), and the
/// record stays one gapless chain with gapless case numbers.
async fn a_failing_write_in_a_batch_fails_alone(backend: Backend) {
    let test = TestStore::new(backend).await;
    // A job the database refuses, as a constraint it alone knows would.
    let refuse = match backend {
        Backend::Sqlite => {
            "CREATE TRIGGER refused_job BEFORE INSERT ON jobs WHEN NEW.kind = 'refused' \
             BEGIN SELECT RAISE(ABORT, 'refused job'); END"
        }
        Backend::Postgres => {
            "ALTER TABLE jobs ADD CONSTRAINT refused_job CHECK (kind <> 'refused')"
        }
    };
    test.execute(refuse).await.unwrap();
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
    // Only failing writes go to this one, so its version stays 2 whatever
    // order they arrive in.
    let third = test
        .submit(
            &form("https://t.me/c_channel", "@actor_w", "2026-11-20"),
            RECEIVED,
        )
        .await;
    // Gets evidence whose leaf the store places, wherever the log is then.
    let fourth = test
        .submit(
            &form("https://t.me/d_channel", "@actor_u", "2026-11-20"),
            RECEIVED,
        )
        .await;
    let log_size = test.store.log_size().await.unwrap();
    let held = HeldLock::take(&test.store).await;

    let mut writes: Vec<(&str, tokio::task::JoinHandle<Result<String, StoreError>>)> = Vec::new();
    for number in 0..24 {
        let store = test.store.clone();
        writes.push((
            "new",
            tokio::spawn(async move {
                let form = form(
                    &format!("https://t.me/channel_{number}"),
                    "@actor_z",
                    "2026-11-21",
                );
                let events = received(&form, at(RECEIVED));
                store
                    .create_case(2026, &events, "coord", at(RECEIVED))
                    .await
            }),
        ));
    }
    let append = |label, case_id: &str, version, events: Vec<CaseEvent>, jobs: Vec<NewJob>| {
        let store = test.store.clone();
        let case_id = case_id.to_owned();
        (
            label,
            tokio::spawn(async move {
                store
                    .append_with(&case_id, version, &events, &jobs, "e1", at(RECEIVED))
                    .await
                    .map(|()| case_id)
            }),
        )
    };
    // Two writers that loaded the same version of one case: one wins.
    writes.push(append(
        "race",
        &first,
        2,
        vec![CaseEvent::ReviewStarted],
        vec![],
    ));
    writes.push(append(
        "race",
        &first,
        2,
        vec![CaseEvent::ReviewStarted],
        vec![],
    ));
    writes.push(append(
        "cannot follow",
        &third,
        2,
        vec![CaseEvent::ApplicationRegistered],
        vec![],
    ));
    writes.push(append(
        "missing",
        "QG-2026-000999",
        2,
        vec![CaseEvent::ReviewStarted],
        vec![],
    ));
    writes.push(append(
        "misplaced",
        &third,
        2,
        vec![captured("ev_far", log_size + 1000, b"x")],
        vec![],
    ));
    {
        let store = test.store.clone();
        writes.push((
            "refused",
            tokio::spawn(async move {
                let form = form("https://t.me/refused", "@actor_v", "2026-11-21");
                let events = received(&form, at(RECEIVED));
                let jobs = [a_job("refused", "{}", RECEIVED)];
                store
                    .create_case_with(2026, &events, &jobs, "coord", at(RECEIVED))
                    .await
            }),
        ));
    }
    writes.push(append(
        "good with a job",
        &second,
        2,
        vec![CaseEvent::ReviewStarted],
        vec![a_job("capture", "{}", RECEIVED)],
    ));
    let placed = {
        let store = test.store.clone();
        let case_id = fourth.clone();
        tokio::spawn(async move {
            // Named index 0, long taken: the store places it.
            store
                .append_placed(
                    &case_id,
                    2,
                    &[captured("ev_placed", 0, b"y")],
                    &[],
                    "qorgau",
                    at(RECEIVED),
                )
                .await
        })
    };
    // Let every write reach the queue while the writer waits for the lock.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    held.release().await;

    let mut outcomes: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    let mut new_cases = Vec::new();
    for (label, write) in writes {
        let result = write.await.unwrap();
        if let (Ok(case_id), "new") = (&result, label) {
            new_cases.push(case_id.clone());
        }
        outcomes.entry(label).or_default().push(outcome(&result));
    }
    for list in outcomes.values_mut() {
        list.sort_unstable();
    }
    let recorded = placed.await.unwrap().unwrap();
    let Some(CaseEvent::EvidenceCaptured {
        log_index: placed_at,
        ..
    }) = recorded.first()
    else {
        panic!("{recorded:?}")
    };
    assert!(*placed_at >= log_size, "{placed_at} < {log_size}");
    let expected: std::collections::BTreeMap<&str, Vec<&str>> = [
        ("new", vec!["ok"; 24]),
        ("race", vec!["conflict", "ok"]),
        ("cannot follow", vec!["corrupt"]),
        ("missing", vec!["not found"]),
        ("misplaced", vec!["conflict"]),
        // Refused by the database in the middle of the batch: the batch is
        // written again without it.
        ("refused", vec!["refused by the database"]),
        ("good with a job", vec!["ok"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(outcomes, expected);

    // Nothing of the failed writes, all of the good ones, one chain.
    let total = 4 * 2 + 24 * 2 + 1 + 1 + 1;
    assert_eq!(test.all_seqs().await, (1..=total).collect::<Vec<i64>>());
    assert_eq!(test.store.verify().await.unwrap().entries, total as u64);
    // Each entry's leaf, and the placed evidence item's.
    let log = test.store.verify_log().await.unwrap();
    assert_eq!((log.leaves, log.evidence), (total as u64 + 1, 1));
    let evidence = test.store.case_evidence(&fourth).await.unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].log_index, Some(*placed_at));
    for (case_id, version) in [(&first, 3), (&second, 3), (&third, 2), (&fourth, 3)] {
        let case = test.store.load_case(case_id).await.unwrap().unwrap();
        assert_eq!(case.version(), version, "{case_id}");
    }
    let jobs = test.store.jobs(None).await.unwrap();
    assert_eq!(
        jobs.iter()
            .map(|job| (job.kind.as_str(), job.case_id.as_deref()))
            .collect::<Vec<_>>(),
        [("capture", Some(second.as_str()))]
    );
    assert!(test.store.case_evidence(&third).await.unwrap().is_empty());
    // The case numbers the good new cases took, without a gap: the refused
    // one took none.
    new_cases.sort();
    let numbers: Vec<String> = (5..=28).map(|n| format!("QG-2026-{n:06}")).collect();
    assert_eq!(new_cases, numbers);
    let listed = test.store.list_cases(None).await.unwrap();
    assert_eq!(listed.len(), 28);
}

const BATCH_INSTANCES: usize = 2;
const BATCH_WRITERS: usize = 32;
const BATCH_APPENDS: u64 = 5;

/// Many concurrent writers on each of two instances, so each instance's
/// writer commits many writes at a time while the other instance's writer
/// waits for the lock: one gapless chain that verifies, every case with
/// every event, case numbers without a gap.
async fn many_writers_share_commits_and_keep_one_gapless_chain(backend: Backend) {
    let test = TestStore::new(backend).await;
    let mut tasks = Vec::new();
    for instance_number in 0..BATCH_INSTANCES {
        let instance = test.another_instance().await;
        for writer in 0..BATCH_WRITERS {
            let instance = instance.clone();
            tasks.push(tokio::spawn(async move {
                let case_id = submit_to(
                    &instance,
                    &form(
                        &format!("https://t.me/channel_{instance_number}_{writer}"),
                        &format!("@actor_{writer}"),
                        "2026-11-20",
                    ),
                    RECEIVED,
                )
                .await;
                for append in 0..BATCH_APPENDS {
                    let event = if append == 0 {
                        CaseEvent::ReviewStarted
                    } else {
                        a_vote(&format!("e{writer}"), format!("vote {append}"))
                    };
                    instance
                        .append(&case_id, 2 + append, &[event], "e", at(RECEIVED))
                        .await
                        .unwrap();
                }
                case_id
            }));
        }
    }
    let mut case_ids = Vec::new();
    for task in tasks {
        case_ids.push(task.await.unwrap());
    }
    let cases = BATCH_INSTANCES * BATCH_WRITERS;
    let total = cases as u64 * (2 + BATCH_APPENDS);
    assert_eq!(
        test.all_seqs().await,
        (1..=total as i64).collect::<Vec<_>>()
    );
    assert_eq!(test.store.verify().await.unwrap().entries, total);
    assert_eq!(test.store.verify_log().await.unwrap().leaves, total);
    case_ids.sort();
    let numbers: Vec<String> = (1..=cases).map(|n| format!("QG-2026-{n:06}")).collect();
    assert_eq!(case_ids, numbers);
    for case_id in &case_ids {
        let case = test.store.load_case(case_id).await.unwrap().unwrap();
        assert_eq!(case.version(), 2 + BATCH_APPENDS, "{case_id}");
    }
    let listed = test.store.list_cases(None).await.unwrap();
    assert_eq!(listed.len(), cases);
}

mod statistics;

async fn the_statistics_read_model_matches_the_events(backend: Backend) {
    let test = TestStore::new(backend).await;
    statistics::the_statistics_read_model_matches_the_events(&test.store).await;
}

async fn the_tallies_are_summed_when_their_migration_is_applied(backend: Backend) {
    let test = TestStore::new(backend).await;
    let ids = statistics::write_histories(&test.store, 2026, 40).await;
    let check = test.store.verify_tallies().await.unwrap();
    assert!(check.days > 0);
    assert_eq!(check.first_difference, None);
    // A count changed behind the store's back is found, by its day.
    let day: String = match &test.store {
        AnyStore::Sqlite(store) => sqlx::query_scalar("SELECT MIN(received_on) FROM stats_tally")
            .fetch_one(store.pool())
            .await
            .unwrap(),
        AnyStore::Postgres(store) => sqlx::query_scalar("SELECT MIN(received_on) FROM stats_tally")
            .fetch_one(store.pool())
            .await
            .unwrap(),
    };
    test.execute(&format!(
        "UPDATE stats_tally SET count = count + 1 \
         WHERE received_on = '{day}' AND item = 'application'"
    ))
    .await
    .unwrap();
    let check = test.store.verify_tallies().await.unwrap();
    assert_eq!(check.first_difference, Some(day.parse().unwrap()));
    // The database as the release before migration 0008 left it.
    for statement in [
        "DROP TABLE stats_tally",
        "DROP TABLE stats_tally_durations",
        "DELETE FROM _sqlx_migrations WHERE version = 8",
    ] {
        test.execute(statement).await.unwrap();
    }
    test.store.close().await;
    if backend == Backend::Postgres {
        AnyStore::migrate(&test.place.location()).await.unwrap();
    }
    let migrated = test.another_instance().await;
    statistics::the_tallies_match_the_cases(&migrated, &ids).await;
    assert_eq!(
        migrated.verify_tallies().await.unwrap().first_difference,
        None
    );
    migrated.close().await;
}

/// Migration 0009 added each owner's run of removal times to the tallies
/// (time to removal by platform): a database from before it gets them when
/// it is applied.
async fn each_owners_removal_times_are_summed_when_their_migration_is_applied(backend: Backend) {
    let test = TestStore::new(backend).await;
    let ids = statistics::write_histories(&test.store, 2026, 40).await;
    let count = |store: &AnyStore| {
        let sql = "SELECT COUNT(*) FROM stats_tally_durations WHERE kind LIKE 'removal:%'";
        let store = store.clone();
        async move {
            let count: i64 = match &store {
                AnyStore::Sqlite(store) => sqlx::query_scalar(sql)
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
                AnyStore::Postgres(store) => sqlx::query_scalar(sql)
                    .fetch_one(store.pool())
                    .await
                    .unwrap(),
            };
            count
        }
    };
    let runs = count(&test.store).await;
    assert!(runs > 0, "the histories remove something");
    // The database as the release before migration 0009 left it.
    for statement in [
        "DELETE FROM stats_tally_durations WHERE kind LIKE 'removal:%'",
        "DELETE FROM _sqlx_migrations WHERE version = 9",
    ] {
        test.execute(statement).await.unwrap();
    }
    assert!(
        test.store
            .verify_tallies()
            .await
            .unwrap()
            .first_difference
            .is_some()
    );
    test.store.close().await;
    if backend == Backend::Postgres {
        AnyStore::migrate(&test.place.location()).await.unwrap();
    }
    let migrated = test.another_instance().await;
    assert_eq!(count(&migrated).await, runs);
    statistics::the_tallies_match_the_cases(&migrated, &ids).await;
    assert_eq!(
        migrated.verify_tallies().await.unwrap().first_difference,
        None
    );
    migrated.close().await;
}

// ---------------------------------------------------------------------------
// The archive carries the job queue and the log's checkpoints (version 2),
// and still reads version 1.

on_both_stores!(
    an_archive_carries_the_job_queue_and_the_checkpoints,
    a_checkpoint_that_is_not_the_logs_is_refused_on_import,
);

/// The root of the store's log at `size`, from its stored leaves.
async fn root_at(store: &AnyStore, size: u64) -> [u8; 32] {
    let mut log = MerkleLog::new(MemoryLeafStore::new());
    for leaf in store.log_leaves(0, size as u32).await.unwrap() {
        log.append(&leaf.entry).unwrap();
    }
    log.root(size).unwrap()
}

/// A store with checkpoints at two sizes and jobs in every state.
async fn with_queue_and_checkpoints(backend: Backend) -> TestStore {
    let test = populated(backend).await;
    let size = test.store.log_size().await.unwrap();
    for tree_size in [size / 2, size] {
        test.store
            .save_checkpoint(&StoredCheckpoint {
                tree_size,
                root: root_at(&test.store, tree_size).await,
                note: format!("qorgau.test/log\n{tree_size}\n…\n"),
                signed_at: at(RECEIVED),
            })
            .await
            .unwrap();
    }
    let cases = test.store.list_cases(None).await.unwrap();
    let (first, second) = (&cases[0].case_id, &cases[1].case_id);
    let store = &test.store;
    let start = at(RECEIVED);
    let lease = at("2026-12-02T10:30:00+05:00");
    // Done, failed, running (its worker is in the old store), and queued.
    for (case_id, payload) in [(first, "done"), (second, "failed"), (first, "running")] {
        store
            .enqueue_job(Some(case_id), &a_job("capture", payload, RECEIVED), start)
            .await
            .unwrap();
    }
    let done = store.claim_job(start, lease).await.unwrap().unwrap();
    store.complete_job(done.id, start).await.unwrap();
    let failed = store.claim_job(start, lease).await.unwrap().unwrap();
    store
        .fail_job(failed.id, "refused_address", None, start)
        .await
        .unwrap();
    store.claim_job(start, lease).await.unwrap().unwrap();
    store
        .enqueue_job(
            Some(second),
            &a_job("recapture", "queued", "2026-12-03T10:00:00+05:00"),
            start,
        )
        .await
        .unwrap();
    test
}

/// A job as it should arrive: everything but its id, a running one queued.
fn moved(
    job: &qorgau_store::Job,
) -> (
    String,
    Option<String>,
    String,
    &'static str,
    Timestamp,
    u32,
    Option<String>,
    Timestamp,
) {
    let status = match job.status {
        JobStatus::Running => JobStatus::Queued,
        other => other,
    };
    (
        job.kind.clone(),
        job.case_id.clone(),
        job.payload.clone(),
        status.as_str(),
        job.run_at,
        job.attempts,
        job.last_error.clone(),
        job.created_at,
    )
}

async fn an_archive_carries_the_job_queue_and_the_checkpoints(backend: Backend) {
    let source = with_queue_and_checkpoints(backend).await;
    let bytes = export_to_bytes(&source.store).await;
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with(r#"{"kind":"header","format":"qorgau-archive","version":2"#));
    for target_backend in [backend, other(backend)] {
        let target = TestStore::new(target_backend).await;
        let summary = archive::import(&target.store, bytes.as_slice())
            .await
            .unwrap();
        assert_eq!((summary.checkpoints, summary.jobs), (2, 4));
        // The checkpoint history, as it was.
        assert_eq!(
            qorgau_store::Maintenance::checkpoint_records(&target.store)
                .await
                .unwrap(),
            qorgau_store::Maintenance::checkpoint_records(&source.store)
                .await
                .unwrap()
        );
        let log = target.store.verify_log().await.unwrap();
        assert_eq!(
            log.latest.unwrap().tree_size,
            source.store.log_size().await.unwrap()
        );
        // The queue, as it was; the running job queued again.
        let source_jobs: Vec<_> = source
            .store
            .jobs(None)
            .await
            .unwrap()
            .iter()
            .map(moved)
            .collect();
        let target_jobs = target.store.jobs(None).await.unwrap();
        assert_eq!(
            target_jobs.iter().map(moved).collect::<Vec<_>>(),
            source_jobs
        );
        assert!(
            target_jobs
                .iter()
                .all(|job| job.status != JobStatus::Running)
        );
        // It exports again as it came (not printed when it differs: it is long).
        assert!(export_to_bytes(&target.store).await == bytes);
        // The new store continues the pending work: the interrupted capture
        // now, the re-capture when it is due.
        let now = at("2026-12-02T11:00:00+05:00");
        let lease = at("2026-12-02T11:10:00+05:00");
        let resumed = target.store.claim_job(now, lease).await.unwrap().unwrap();
        assert_eq!(
            (resumed.kind.as_str(), resumed.payload.as_str()),
            ("capture", "running")
        );
        assert!(target.store.claim_job(now, lease).await.unwrap().is_none());
        target.store.complete_job(resumed.id, now).await.unwrap();
        let later = at("2026-12-03T10:00:00+05:00");
        let due = target.store.claim_job(later, later).await.unwrap().unwrap();
        assert_eq!(due.payload, "queued");
    }

    // A version 1 archive (no checkpoints, no jobs) still loads.
    let version_1: Vec<String> = text
        .lines()
        .filter(|line| {
            !line.contains(r#""kind":"checkpoint""#) && !line.contains(r#""kind":"job""#)
        })
        .map(|line| {
            if line.contains(r#""kind":"header""#) {
                line.replace(r#""version":2"#, r#""version":1"#)
            } else if line.contains(r#""kind":"end""#) {
                let mut end: serde_json::Value = serde_json::from_str(line).unwrap();
                let fields = end.as_object_mut().unwrap();
                fields.remove("checkpoints");
                fields.remove("jobs");
                end.to_string()
            } else {
                line.to_owned()
            }
        })
        .collect();
    let target = TestStore::new(backend).await;
    let summary = archive::import(&target.store, (version_1.join("\n") + "\n").as_bytes())
        .await
        .unwrap();
    assert_eq!((summary.checkpoints, summary.jobs), (0, 0));
    assert_eq!(summary.events, source.store.verify().await.unwrap().entries);
}

async fn a_checkpoint_that_is_not_the_logs_is_refused_on_import(backend: Backend) {
    let source = with_queue_and_checkpoints(backend).await;
    let text = String::from_utf8(export_to_bytes(&source.store).await).unwrap();
    let checkpoint_line = text
        .lines()
        .find(|line| line.contains(r#""kind":"checkpoint""#))
        .unwrap();
    let mut checkpoint: serde_json::Value = serde_json::from_str(checkpoint_line).unwrap();
    checkpoint["root"] = serde_json::json!("ab".repeat(32));
    let forged = text.replace(checkpoint_line, &checkpoint.to_string());
    let target = TestStore::new(backend).await;
    let error = archive::import(&target.store, forged.as_bytes())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("does not match the log"),
        "{error}"
    );
    // Nothing was written.
    assert_eq!(target.count_events().await, 0);
    assert!(target.store.jobs(None).await.unwrap().is_empty());
    assert!(
        qorgau_store::Maintenance::checkpoint_records(&target.store)
            .await
            .unwrap()
            .is_empty()
    );

    // A checkpoint larger than the log is refused too.
    let mut beyond = checkpoint.clone();
    beyond["tree_size"] = serde_json::json!(1_000_000);
    let forged = text.replace(checkpoint_line, &beyond.to_string());
    // (Checkpoints come in increasing size: put the large one last.)
    let mut lines: Vec<&str> = forged.lines().collect();
    let position = lines
        .iter()
        .position(|line| line.contains("1000000"))
        .unwrap();
    let line = lines.remove(position);
    let last_checkpoint = lines
        .iter()
        .rposition(|line| line.contains(r#""kind":"checkpoint""#))
        .unwrap();
    lines.insert(last_checkpoint + 1, line);
    let error = archive::import(&target.store, (lines.join("\n") + "\n").as_bytes())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("larger than the log"), "{error}");
    assert_eq!(target.count_events().await, 0);
}

// ---------------------------------------------------------------------------
// Delivery: where owners and staff are reached; the dead-letter list.

on_both_stores!(
    owners_webhooks_rotate_with_a_grace_period_and_are_forgotten_on_gone,
    dead_letters_are_listed_and_queued_again_once,
);

async fn owners_webhooks_rotate_with_a_grace_period_and_are_forgotten_on_gone(backend: Backend) {
    use qorgau_store::Deliveries;
    let test = populated(backend).await;
    let owner = ResourceOwner {
        name: "bully.example".into(),
        display_name: "Bully Example".into(),
        api_key_hash: "ab".repeat(32),
        domains: vec!["bully.example".into()],
    };
    test.store.add_owner(&owner, at(RECEIVED)).await.unwrap();
    let now = at(RECEIVED);
    let contact = test
        .store
        .owner_contact(&owner.name, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((contact.email, contact.webhook), (None, None));
    assert!(
        test.store
            .owner_contact("nobody", now)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !test
            .store
            .set_owner_email("nobody", Some("a@b.kz"))
            .await
            .unwrap()
    );
    assert!(
        test.store
            .set_owner_email(&owner.name, Some("orders@bully.example"))
            .await
            .unwrap()
    );

    let later = |hours: i64| {
        now.checked_add(jiff::SignedDuration::from_hours(hours))
            .unwrap()
    };
    assert!(
        test.store
            .set_owner_webhook(
                &owner.name,
                "https://hooks.bully.example/a",
                "whsec_first",
                later(24)
            )
            .await
            .unwrap()
    );
    let contact = test
        .store
        .owner_contact(&owner.name, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.email.as_deref(), Some("orders@bully.example"));
    // A first registration has nothing to keep signing with.
    assert_eq!(
        contact.webhook.unwrap().secrets,
        vec!["whsec_first".to_owned()]
    );

    // Rotated: the old secret signs beside the new one until the grace ends.
    test.store
        .set_owner_webhook(
            &owner.name,
            "https://hooks.bully.example/b",
            "whsec_second",
            later(24),
        )
        .await
        .unwrap();
    let during = test
        .store
        .owner_contact(&owner.name, later(23))
        .await
        .unwrap()
        .unwrap()
        .webhook
        .unwrap();
    assert_eq!(during.url, "https://hooks.bully.example/b");
    assert_eq!(
        during.secrets,
        vec!["whsec_second".to_owned(), "whsec_first".to_owned()]
    );
    let after = test
        .store
        .owner_contact(&owner.name, later(24))
        .await
        .unwrap()
        .unwrap()
        .webhook
        .unwrap();
    assert_eq!(after.secrets, vec!["whsec_second".to_owned()]);
    assert!(
        !format!("{after:?}").contains("whsec"),
        "secrets never reach a log"
    );

    assert!(test.store.clear_owner_webhook(&owner.name).await.unwrap());
    let contact = test
        .store
        .owner_contact(&owner.name, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.webhook, None);

    // Staff who gave an address, active only.
    assert!(
        test.store
            .set_staff_email("coord", Some("coord@authority.kz"))
            .await
            .unwrap()
    );
    assert!(
        !test
            .store
            .set_staff_email("nobody", Some("x@y.kz"))
            .await
            .unwrap()
    );
    let contacts = test.store.staff_contacts().await.unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].username, "coord");
    assert_eq!(contacts[0].role, StaffRole::Coordinator);
}

async fn dead_letters_are_listed_and_queued_again_once(backend: Backend) {
    use qorgau_store::Deliveries;
    let test = TestStore::new(backend).await;
    let now = at(RECEIVED);
    let id = test
        .store
        .enqueue_job(None, &a_job("deliver_webhook", "{}", RECEIVED), now)
        .await
        .unwrap();
    let claimed = test
        .store
        .claim_job(
            now,
            now.checked_add(jiff::SignedDuration::from_mins(5)).unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, id);
    // Not given up yet: nothing to retry.
    assert!(!test.store.retry_job(id, now).await.unwrap());
    test.store.fail_job(id, "gone", None, now).await.unwrap();
    let dead = test.store.failed_jobs(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("gone"));
    assert!(test.store.retry_job(id, now).await.unwrap());
    assert!(!test.store.retry_job(id, now).await.unwrap(), "queued once");
    assert!(test.store.failed_jobs(10).await.unwrap().is_empty());
    let again = test.store.claim_job(now, now).await.unwrap().unwrap();
    assert_eq!(
        (again.id, again.attempts),
        (id, 1),
        "a fresh count of attempts"
    );
}

/// `(recorded_in, accounts, active)` of every person link of a store.
async fn person_link_summary(store: &AnyStore) -> Vec<(String, [String; 2], bool)> {
    store
        .person_links()
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.recorded_in, row.link.accounts, row.link.active))
        .collect()
}

/// Two accounts linked as one person in one case, undone there and linked
/// again in another: the store folds the link events of every case in
/// record order, through the partial index of migration 0011, and an
/// archive imported into the other store folds the same.
async fn a_person_link_holds_across_cases_and_survives_an_archive(backend: Backend) {
    use qorgau_domain::validation::ActorAccount;
    use qorgau_domain::validation::resource::Platform;
    let test = populated(backend).await;
    let (first, second) = ("QG-2026-000001", "QG-2026-000002");
    let telegram = ActorAccount::parse(Platform::Telegram, "user777").unwrap();
    let instagram = ActorAccount::parse(Platform::Instagram, "@ghost.ig").unwrap();
    let pair = [instagram.key.clone(), telegram.key.clone()];
    let link = || Command::LinkActors {
        accounts: [telegram.clone(), instagram.clone()],
        reason: "the same phone number".into(),
    };
    assert!(person_link_summary(&test.store).await.is_empty());
    test.run(first, &expert("e1", false), link(), RECEIVED)
        .await;
    assert_eq!(
        person_link_summary(&test.store).await,
        [(first.to_owned(), pair.clone(), true)]
    );
    let unlink = Command::UnlinkActors {
        accounts: pair.clone(),
        reason: "two people".into(),
    };
    test.run(first, &expert("e2", false), unlink, RECEIVED)
        .await;
    assert_eq!(
        person_link_summary(&test.store).await,
        [(first.to_owned(), pair.clone(), false)]
    );
    test.run(second, &expert("e1", false), link(), RECEIVED)
        .await;
    let expected = [(second.to_owned(), pair.clone(), true)];
    assert_eq!(person_link_summary(&test.store).await, expected);
    let index = match backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' \
             AND name = 'case_events_actor_links'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'case_events_actor_links'"
        }
    };
    assert_eq!(count_rows(&test, index).await, 1);

    let bytes = export_to_bytes(&test.store).await;
    let target = TestStore::new(other(backend)).await;
    archive::import(&target.store, bytes.as_slice())
        .await
        .unwrap();
    assert_eq!(person_link_summary(&target.store).await, expected);
}
