//! The deadline clock without sleeping: a manual clock walks one order past
//! its removal deadline and through every step of the escalation ladder, a
//! pause stops the ladder and moves the later steps, and nothing is taken
//! before its time — the worker over a real SQLite store, with the removal
//! re-checked by capturing a local page.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use qorgau_app::evidence::EvidencePaths;
use qorgau_app::outbox::Outbox;
use qorgau_app::procedure::Intake;
use qorgau_app::{Clock, Evidence, ManualClock, Procedure, Worker, WorkerConfig};
use qorgau_delivery::retry::RetryPolicy;
use qorgau_delivery::webhook::{WebhookConfig, WebhookSender};
use qorgau_documents::Templates;
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::category::Category;
use qorgau_domain::procedure::{Actor, CaseEvent, Command, OrderStatus, Role, VoteChoice};
use qorgau_domain::regime::EscalationKind;
use qorgau_evidence::capture::CaptureConfig;
use qorgau_store::{AnyStore, Store, StoreLocation};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const URL: &str = "https://bully.example/posts/42";

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn form() -> ApplicationForm {
    let incident = |day: &str| IncidentForm {
        occurred_on: day.into(),
        resource_url: Some(URL.into()),
        description: "insults".into(),
        actor: None,
    };
    ApplicationForm {
        language: None,
        applicant: ApplicantForm {
            name: Some("Applicant".into()),
            relation: Some(Relation::Parent),
            // A phone, no e-mail: the letter goes another way.
            phone: Some("+7 701 234 56 78".into()),
            ..ApplicantForm::default()
        },
        child: ChildForm {
            name: Some("Child".into()),
            birth_date: Some("2013-01-01".into()),
            iin: None,
        },
        resources: vec![ResourceForm { url: URL.into() }],
        incidents: vec![incident("2026-11-20"), incident("2026-11-24")],
        description: None,
    }
}

/// A page that stays up: the content is never removed.
async fn page_server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let page = "<html><body><p>Insults about a pupil, still here.</p></body></html>";
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    address
}

fn expert(name: &str, chair: bool) -> Actor {
    Actor {
        name: name.into(),
        role: Role::Expert { chair },
    }
}

fn coordinator() -> Actor {
    Actor {
        name: "coord".into(),
        role: Role::Coordinator,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ignored_order_walks_the_whole_ladder_on_schedule_and_a_pause_moves_it() {
    let folder = tempfile::tempdir().unwrap();
    let store = Arc::new(
        AnyStore::open(&StoreLocation::Embedded(folder.path().join("data")), true)
            .await
            .unwrap(),
    );
    let clock = Arc::new(ManualClock::new(at("2026-12-02T10:00:00+05:00")));
    let evidence = Arc::new(
        Evidence::open(
            &EvidencePaths {
                blobs: folder.path().join("blobs"),
                log_key: folder.path().join("log.key"),
            },
            None,
        )
        .unwrap(),
    );
    let pages = page_server().await;
    let config = WorkerConfig {
        rewrite: vec![("https://".into(), format!("http://{pages}/"))],
        capture: CaptureConfig {
            allow_loopback: true,
            ..CaptureConfig::default()
        },
        ..WorkerConfig::default()
    };
    let outbox = Outbox {
        webhooks: WebhookSender::new(WebhookConfig {
            allow_loopback: true,
            ..WebhookConfig::default()
        })
        .unwrap(),
        mailer: None,
        templates: Templates::embedded().unwrap(),
        public_url: "https://qorgau.example".into(),
        retry: RetryPolicy::DEFAULT,
    };
    let worker = Worker::new(store.clone(), clock.clone(), evidence, config)
        .unwrap()
        .with_outbox(Arc::new(outbox));
    let procedure = Procedure::new(store.as_ref(), clock.as_ref());

    let form = form();
    let submitted = procedure
        .submit(
            Intake {
                form: &form,
                channel: Channel::Electronic,
                received_at: None,
                record_refusals: false,
            },
            &Actor::system(),
        )
        .await
        .unwrap();
    let case_id = submitted.case_id;
    worker.run_until_idle().await.unwrap();
    for who in [
        expert("e1", false),
        expert("e2", false),
        expert("chair", true),
    ] {
        let vote = Command::Vote {
            vote: VoteChoice::Confirm,
            category: Category::Cyberbullying,
            indicators: vec![],
            reasons: "systematic insults".into(),
        };
        procedure.run(&case_id, &who, vote).await.unwrap();
    }
    for (name, chair) in [("e1", false), ("e2", false), ("chair", true)] {
        let member = qorgau_store::StaffMember {
            username: name.into(),
            display_name: name.into(),
            role: qorgau_store::StaffRole::Expert,
            chair,
            active: true,
        };
        store.add_staff(&member, clock.now()).await.unwrap();
    }
    let decide = procedure.decide_command(&case_id, None).await.unwrap();
    procedure
        .run(&case_id, &coordinator(), decide)
        .await
        .unwrap();
    let order = format!("{case_id}-1");

    // The owner opens its orders an hour later: the 24-hour clock starts.
    clock.set(at("2026-12-02T11:00:00+05:00"));
    procedure
        .run(
            &case_id,
            &Actor::system(),
            Command::RecordDelivery {
                order_id: order.clone(),
                delivered_at: None,
                channel: "api".into(),
            },
        )
        .await
        .unwrap();
    worker.run_until_idle().await.unwrap();

    let steps = |store: Arc<AnyStore>, case_id: String, order: String| async move {
        let state = store
            .load_case(&case_id)
            .await
            .unwrap()
            .unwrap()
            .state()
            .unwrap();
        let order = state.order(&order).unwrap().clone();
        (order.status, order.escalations)
    };
    // A minute before the deadline nothing happens.
    clock.set(at("2026-12-03T10:59:00+05:00"));
    worker.run_until_idle().await.unwrap();
    let (status, taken) = steps(store.clone(), case_id.clone(), order.clone()).await;
    assert_eq!((status, taken.len()), (OrderStatus::Delivered, 0));

    // At the deadline: re-captured, still there, not complied, and the
    // reminder (0 hours after) taken by the scheduler itself.
    clock.set(at("2026-12-03T11:00:00+05:00"));
    worker.run_until_idle().await.unwrap();
    let (status, taken) = steps(store.clone(), case_id.clone(), order.clone()).await;
    assert_eq!(status, OrderStatus::Escalated);
    assert_eq!(taken, vec![EscalationKind::Reminder]);

    // The repeated order falls due 24 hours after the deadline; not earlier.
    clock.set(at("2026-12-04T10:59:00+05:00"));
    worker.run_until_idle().await.unwrap();
    assert_eq!(
        steps(store.clone(), case_id.clone(), order.clone())
            .await
            .1
            .len(),
        1
    );
    clock.set(at("2026-12-04T11:00:00+05:00"));
    worker.run_until_idle().await.unwrap();
    assert_eq!(
        steps(store.clone(), case_id.clone(), order.clone()).await.1,
        vec![EscalationKind::Reminder, EscalationKind::RepeatedOrder]
    );

    // The coordinator pauses for 10 hours before the offence step (+72 h,
    // 12-06 11:00); it then falls due at 12-06 21:00.
    clock.set(at("2026-12-05T09:00:00+05:00"));
    procedure
        .run(
            &case_id,
            &coordinator(),
            Command::PauseEscalation {
                order_id: order.clone(),
                reason: "the owner's court appeal".into(),
            },
        )
        .await
        .unwrap();
    clock.set(at("2026-12-05T19:00:00+05:00"));
    procedure
        .run(
            &case_id,
            &coordinator(),
            Command::ResumeEscalation {
                order_id: order.clone(),
            },
        )
        .await
        .unwrap();
    clock.set(at("2026-12-06T20:59:00+05:00"));
    worker.run_until_idle().await.unwrap();
    assert_eq!(
        steps(store.clone(), case_id.clone(), order.clone())
            .await
            .1
            .len(),
        2
    );
    clock.set(at("2026-12-06T21:00:00+05:00"));
    worker.run_until_idle().await.unwrap();
    assert_eq!(
        steps(store.clone(), case_id.clone(), order.clone()).await.1[2],
        EscalationKind::AdministrativeOffence
    );

    // The last step (+168 h, moved by the pause: 12-10 21:00), then nothing more.
    clock.set(at("2026-12-10T21:00:00+05:00"));
    worker.run_until_idle().await.unwrap();
    clock.set(
        at("2026-12-10T21:00:00+05:00")
            .checked_add(SignedDuration::from_hours(24 * 30))
            .unwrap(),
    );
    worker.run_until_idle().await.unwrap();
    let state = store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert_eq!(
        state.order(&order).unwrap().escalations,
        vec![
            EscalationKind::Reminder,
            EscalationKind::RepeatedOrder,
            EscalationKind::AdministrativeOffence,
            EscalationKind::AccessRestrictionRequest
        ]
    );
    // Each step once, each by the scheduler, none early.
    let events = store.load_case(&case_id).await.unwrap().unwrap().events;
    let taken: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            CaseEvent::EscalationStepTaken {
                step,
                early_reason,
                taken_at,
                ..
            } => Some((*step, early_reason.clone(), *taken_at)),
            _ => None,
        })
        .collect();
    assert_eq!(
        taken,
        vec![
            (1, None, at("2026-12-03T11:00:00+05:00")),
            (2, None, at("2026-12-04T11:00:00+05:00")),
            (3, None, at("2026-12-06T21:00:00+05:00")),
            (4, None, at("2026-12-10T21:00:00+05:00")),
        ]
    );
    // No escalation job is left waiting.
    let waiting = store
        .jobs(Some(&case_id))
        .await
        .unwrap()
        .into_iter()
        .filter(|job| job.kind == "escalate" && job.status != qorgau_store::JobStatus::Done)
        .count();
    assert_eq!(waiting, 0);
}
