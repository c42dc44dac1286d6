//! `Procedure::record` under contention: many writers recording on one case
//! at once (each write also moves the transparency log on) all land, on both
//! stores — the conflict retries back off with jitter instead of colliding
//! again at once.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use jiff::Timestamp;
use qorgau_app::{FixedClock, Procedure};
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::procedure::{Actor, CaseEvent, EvidenceKind, receive_application};
use qorgau_domain::regime::Regimes;
use qorgau_store::{AnyStore, Store, StoreLocation};

const RECEIVED: &str = "2026-12-02T10:00:00+05:00";
/// Writers at once on one case: far more than the 20 retries an immediate
/// retry loop survives, since each round lets only one of them through.
const WRITERS: usize = 40;

fn form() -> ApplicationForm {
    let url = "https://example.kz/post/1";
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
        resources: vec![ResourceForm { url: url.into() }],
        incidents: vec![IncidentForm {
            occurred_on: "2026-11-20".into(),
            resource_url: Some(url.into()),
            description: "posts".into(),
            actor: Some("@someone".into()),
        }],
        description: None,
    }
}

/// A PostgreSQL database of the test's own, dropped afterwards.
struct PgDatabase {
    admin: String,
    name: String,
}

impl PgDatabase {
    async fn create() -> PgDatabase {
        let admin = std::env::var("QORGAU_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!(
            "qorgau_test_record_{}_{}",
            std::process::id(),
            rand_suffix()
        );
        let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
            .await
            .unwrap_or_else(|error| panic!("PostgreSQL at {admin} (`.ci/run` starts it): {error}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut connection)
            .await
            .unwrap();
        PgDatabase { admin, name }
    }

    fn url(&self) -> String {
        let base = self
            .admin
            .rsplit_once('/')
            .map_or(self.admin.as_str(), |(base, _)| base);
        format!("{base}/{}", self.name)
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    hasher.finish() % 1_000_000_000
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .unwrap();
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut connection)
                .await
                .unwrap();
            });
        })
        .join();
    }
}

async fn many_records_on_one_case_all_land(location: StoreLocation) {
    let store = Arc::new(AnyStore::open(&location, true).await.unwrap());
    let now: Timestamp = RECEIVED.parse().unwrap();
    let events = receive_application(
        &form(),
        Channel::Electronic,
        now,
        now,
        WorkingCalendar::embedded(),
        Regimes::embedded(),
    )
    .unwrap();
    let case_id = store
        .create_case(2026, &events, "coord", now)
        .await
        .unwrap();
    let clock = Arc::new(FixedClock(now));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (store, clock, case_id) = (store.clone(), clock.clone(), case_id.clone());
        writers.push(tokio::spawn(async move {
            let evidence_id = format!("ev_{writer:016x}");
            let event = CaseEvent::EvidenceCaptured {
                evidence_id: evidence_id.clone(),
                kind: EvidenceKind::Upload,
                url: String::new(),
                digest: format!("sha256:{writer:064x}"),
                size: 1,
                captured_at: now,
                log_index: 0,
                http_status: 0,
                problem: None,
                original_id: None,
                original_digest: None,
                fingerprint: None,
                browser: None,
                stripped: None,
            };
            Procedure::new(store.as_ref(), clock.as_ref())
                .record(&case_id, &Actor::system(), move |state, _| {
                    Ok(if state.evidence_item(&evidence_id).is_some() {
                        Vec::new()
                    } else {
                        vec![event.clone()]
                    })
                })
                .await
        }));
    }
    for writer in writers {
        let recorded = writer.await.unwrap().unwrap();
        assert_eq!(recorded.len(), 1);
    }
    let state = store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert_eq!(state.evidence.len(), WRITERS);
    store.verify().await.unwrap();
    let log = store.verify_log().await.unwrap();
    assert_eq!(log.evidence, WRITERS as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_records_on_one_case_all_land_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    many_records_on_one_case_all_land(StoreLocation::Embedded(folder.path().to_owned())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_records_on_one_case_all_land_postgres() {
    let database = PgDatabase::create().await;
    many_records_on_one_case_all_land(StoreLocation::Postgres(database.url())).await;
}
