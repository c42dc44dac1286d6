//! The deadline clock without sleeping: a manual clock walks one order past
//! its removal deadline and through every step of the escalation ladder, a
//! pause stops the ladder and moves the later steps, and nothing is taken
//! before its time — the worker over a real SQLite store, with the removal
//! re-checked by capturing a local page. A second walk takes a case through
//! every deadline (extension notice, decision, response, removal) with
//! staff and an owner who have mailboxes on an SMTP server in the test's
//! process, and a third has that server drop connections.

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
use tokio::io::AsyncWriteExt;

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
    qorgau_testkit::site::one_page_site(
        "<html><body><p>Insults about a pupil, still here.</p></body></html>",
    )
    .await
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

// ---------------------------------------------------------------------------
// Every deadline, with staff and an owner who can be written to

/// One letter an SMTP client handed over: its envelope and its bytes.
#[derive(Debug, Clone)]
struct Letter {
    recipients: Vec<String>,
    data: String,
}

/// An SMTP server on loopback, in the test's process: it speaks just enough
/// SMTP for lettre (greeting, EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
/// accepts every letter and keeps it. While `drop_next` is above zero it
/// counts it down and drops each new connection right after accepting it
/// (an SMTP server that goes away mid-session).
struct SmtpSink {
    port: u16,
    letters: Arc<std::sync::Mutex<Vec<Letter>>>,
    drop_next: Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpSink {
    async fn start() -> SmtpSink {
        use std::sync::atomic::Ordering;
        use tokio::io::AsyncBufReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let letters = Arc::new(std::sync::Mutex::new(Vec::new()));
        let drop_next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (kept, dropping) = (letters.clone(), drop_next.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                if dropping
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok()
                {
                    drop(stream);
                    continue;
                }
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (reader, mut writer) = stream.into_split();
                    let mut reader = tokio::io::BufReader::new(reader);
                    let _ = writer.write_all(b"220 sink.test ESMTP\r\n").await;
                    let mut recipients = Vec::new();
                    loop {
                        let mut line = String::new();
                        match reader.read_line(&mut line).await {
                            Ok(0) | Err(_) => return,
                            Ok(_) => {}
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let answer: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250-sink.test\r\n250 8BITMIME\r\n",
                            "MAIL" => {
                                recipients.clear();
                                b"250 OK\r\n"
                            }
                            "RCPT" => {
                                let address =
                                    line.split(['<', '>']).nth(1).unwrap_or_default().to_owned();
                                recipients.push(address);
                                b"250 OK\r\n"
                            }
                            "DATA" => {
                                let _ = writer.write_all(b"354 End with .\r\n").await;
                                let mut data = String::new();
                                loop {
                                    let mut line = String::new();
                                    match reader.read_line(&mut line).await {
                                        Ok(0) | Err(_) => return,
                                        Ok(_) => {}
                                    }
                                    if line == ".\r\n" {
                                        break;
                                    }
                                    data.push_str(&line);
                                }
                                kept.lock().unwrap().push(Letter {
                                    recipients: recipients.clone(),
                                    data,
                                });
                                b"250 Accepted\r\n"
                            }
                            "QUIT" => {
                                let _ = writer.write_all(b"221 Bye\r\n").await;
                                return;
                            }
                            _ => b"250 OK\r\n",
                        };
                        if writer.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SmtpSink {
            port,
            letters,
            drop_next,
        }
    }

    fn letters(&self) -> Vec<Letter> {
        self.letters.lock().unwrap().clone()
    }

    /// The recipients of the letters since the first `skip`, in order.
    fn recipients_since(&self, skip: usize) -> Vec<Vec<String>> {
        self.letters()
            .into_iter()
            .skip(skip)
            .map(|letter| letter.recipients)
            .collect()
    }
}

/// A store with a coordinator and three experts who gave addresses, the
/// owner of bully.example with a mailbox, a worker whose outbox mails
/// through `sink`, and the clock at `start`.
struct Desk {
    _folder: tempfile::TempDir,
    store: Arc<AnyStore>,
    clock: Arc<ManualClock>,
    worker: Worker<AnyStore>,
    outbox: Arc<Outbox>,
}

async fn desk(sink: &SmtpSink, start: &str, retry: RetryPolicy) -> Desk {
    use qorgau_store::Deliveries;
    let folder = tempfile::tempdir().unwrap();
    let store = Arc::new(
        AnyStore::open(&StoreLocation::Embedded(folder.path().join("data")), true)
            .await
            .unwrap(),
    );
    let clock = Arc::new(ManualClock::new(at(start)));
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
    for (name, role, chair) in [
        ("coord", qorgau_store::StaffRole::Coordinator, false),
        ("e1", qorgau_store::StaffRole::Expert, false),
        ("e2", qorgau_store::StaffRole::Expert, false),
        ("chair", qorgau_store::StaffRole::Expert, true),
    ] {
        let member = qorgau_store::StaffMember {
            username: name.into(),
            display_name: name.into(),
            role,
            chair,
            active: true,
        };
        store.add_staff(&member, clock.now()).await.unwrap();
        let email = format!("{name}@authority.example");
        assert!(store.set_staff_email(name, Some(&email)).await.unwrap());
    }
    let owner = qorgau_store::ResourceOwner {
        // Orders to an unknown platform go to the site's host.
        name: "bully.example".into(),
        display_name: "Bully LLP".into(),
        api_key_hash: qorgau_app::credentials::secret_hash("qgk_bully"),
        domains: vec!["bully.example".into()],
    };
    store.add_owner(&owner, clock.now()).await.unwrap();
    assert!(
        store
            .set_owner_email("bully.example", Some("orders@bully.example"))
            .await
            .unwrap()
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
    let outbox = Arc::new(Outbox {
        webhooks: WebhookSender::new(WebhookConfig {
            allow_loopback: true,
            ..WebhookConfig::default()
        })
        .unwrap(),
        mailer: Some(
            qorgau_delivery::mail::Mailer::from_url(
                &format!("smtp://127.0.0.1:{}", sink.port),
                "qorgau@authority.example",
            )
            .unwrap(),
        ),
        templates: Templates::embedded().unwrap(),
        public_url: "https://qorgau.example".into(),
        retry,
    });
    let worker = Worker::new(store.clone(), clock.clone(), evidence, config)
        .unwrap()
        .with_outbox(outbox.clone());
    Desk {
        _folder: folder,
        store,
        clock,
        worker,
        outbox,
    }
}

impl Desk {
    fn procedure(&self) -> Procedure<'_, AnyStore> {
        Procedure::new(self.store.as_ref(), self.clock.as_ref())
    }

    async fn submit(&self) -> String {
        let form = form();
        self.procedure()
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
            .unwrap()
            .case_id
    }

    async fn confirm(&self, case_id: &str) {
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
            self.procedure().run(case_id, &who, vote).await.unwrap();
        }
        let decide = self
            .procedure()
            .decide_command(case_id, None)
            .await
            .unwrap();
        self.procedure()
            .run(case_id, &coordinator(), decide)
            .await
            .unwrap();
    }

    /// Moves the clock to `when` and runs every job then due.
    async fn at(&self, when: &str) {
        self.clock.set(at(when));
        self.worker.run_until_idle().await.unwrap();
    }

    async fn events(&self, case_id: &str) -> Vec<CaseEvent> {
        self.store.load_case(case_id).await.unwrap().unwrap().events
    }

    /// `(deadline, due, reminded_at, recipients)` of every staff reminder.
    async fn reminders(&self, case_id: &str) -> Vec<(String, Timestamp, Timestamp, u32)> {
        self.events(case_id)
            .await
            .into_iter()
            .filter_map(|event| match event {
                CaseEvent::StaffReminded {
                    deadline,
                    due,
                    reminded_at,
                    recipients,
                } => Some((deadline, due, reminded_at, recipients)),
                _ => None,
            })
            .collect()
    }

    /// `(notice, channel, step)` of every notice delivered, in order.
    async fn notices(&self, case_id: &str) -> Vec<(String, String)> {
        self.events(case_id)
            .await
            .into_iter()
            .filter_map(|event| match event {
                CaseEvent::NoticeDelivered {
                    notice, channel, ..
                } => Some((notice, channel)),
                _ => None,
            })
            .collect()
    }
}

fn staff(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|name| format!("{name}@authority.example"))
        .collect()
}

/// The file name of a letter's PDF attachment (ASCII, so lettre writes it
/// plainly): which document the letter carries.
fn attachment_name(letter: &Letter) -> String {
    letter
        .data
        .split("filename=")
        .nth(1)
        .unwrap_or_default()
        .trim_start_matches('"')
        .split(['"', '\r', '\n', ';'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Issue 5's clock: a case walked through every deadline by a manual clock
/// — the extension notice, the decision and the response fall due (staff
/// reminded a day before each, experts only of the decision, a deadline
/// the extension moved reminded of no more), then the order's removal
/// deadline (non-compliance and the ladder's notices to the owner, each
/// with its own document) — with each event at its instant and nothing
/// before it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_deadline_reminds_the_right_people_at_its_time() {
    let sink = SmtpSink::start().await;
    let desk = desk(&sink, "2026-12-02T10:00:00+05:00", RetryPolicy::DEFAULT).await;
    // Wednesday 2 December: three working days → due by the end of Monday
    // 7 December, reminders a day before.
    let case_id = desk.submit().await;
    desk.worker.run_until_idle().await.unwrap();
    let state = desk
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    assert_eq!(state.decision_due.due_at, at("2026-12-08T00:00:00+05:00"));
    assert_eq!(state.response_due.due_at, at("2026-12-08T00:00:00+05:00"));

    // An hour later the chair extends consideration to Monday 14 December:
    // the applicant must be told within two working days (by the end of
    // Friday 4 December).
    desk.clock.set(at("2026-12-02T11:00:00+05:00"));
    desk.procedure()
        .run(
            &case_id,
            &expert("chair", true),
            Command::Extend {
                until: jiff::civil::date(2026, 12, 14),
                reason: "the platform's answer is awaited".into(),
            },
        )
        .await
        .unwrap();
    desk.worker.run_until_idle().await.unwrap();

    // Extension notice: a day before, to the coordinator only.
    desk.at("2026-12-03T23:59:00+05:00").await;
    assert_eq!(desk.reminders(&case_id).await, []);
    assert!(sink.letters().is_empty());
    desk.at("2026-12-04T00:00:00+05:00").await;
    assert_eq!(
        desk.reminders(&case_id).await,
        [(
            "extension_notice_due".to_owned(),
            at("2026-12-05T00:00:00+05:00"),
            at("2026-12-04T00:00:00+05:00"),
            1
        )]
    );
    assert_eq!(sink.recipients_since(0), [staff(&["coord"])]);

    // The deadlines the extension moved: nobody is reminded of them.
    desk.at("2026-12-07T00:00:00+05:00").await;
    assert_eq!(desk.reminders(&case_id).await.len(), 1);
    assert_eq!(sink.letters().len(), 1);

    // The extended decision and response deadlines (end of 14 December):
    // a day before, experts and the coordinator of the decision, the
    // coordinator of the response.
    desk.at("2026-12-13T23:59:00+05:00").await;
    assert_eq!(desk.reminders(&case_id).await.len(), 1);
    desk.at("2026-12-14T00:00:00+05:00").await;
    let mut reminders = desk.reminders(&case_id).await;
    reminders.sort();
    let due = at("2026-12-15T00:00:00+05:00");
    let reminded = at("2026-12-14T00:00:00+05:00");
    assert_eq!(
        reminders,
        [
            ("decision_due".to_owned(), due, reminded, 4),
            (
                "extension_notice_due".to_owned(),
                at("2026-12-05T00:00:00+05:00"),
                at("2026-12-04T00:00:00+05:00"),
                1
            ),
            ("response_due".to_owned(), due, reminded, 1),
        ]
    );
    let mut written: Vec<Vec<String>> = sink.recipients_since(1);
    written.iter_mut().for_each(|recipients| recipients.sort());
    written.sort();
    let mut everyone = staff(&["chair", "coord", "e1", "e2"]);
    everyone.sort();
    let mut expected: Vec<Vec<String>> = everyone
        .iter()
        .map(|address| vec![address.clone()])
        .chain([staff(&["coord"])])
        .collect();
    expected.sort();
    assert_eq!(
        written, expected,
        "one letter each: four of the decision, one of the response"
    );
    // A run later reminds nobody twice.
    desk.at("2026-12-14T06:00:00+05:00").await;
    assert_eq!(desk.reminders(&case_id).await.len(), 3);
    let before_decision = sink.letters().len();

    // Decided at 9:00 on the 14th: the order goes to the owner's mailbox at
    // once, and its acceptance starts the 24-hour clock.
    desk.clock.set(at("2026-12-14T09:00:00+05:00"));
    desk.confirm(&case_id).await;
    desk.worker.run_until_idle().await.unwrap();
    let order_id = format!("{case_id}-1");
    let letters = sink.letters();
    assert_eq!(letters.len(), before_decision + 1);
    assert_eq!(
        letters[before_decision].recipients,
        ["orders@bully.example"]
    );
    assert_eq!(
        attachment_name(&letters[before_decision]),
        format!("{order_id}.pdf")
    );
    let state = desk
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    let order = state.order(&order_id).unwrap();
    assert_eq!(order.delivered_at, Some(at("2026-12-14T09:00:00+05:00")));
    assert_eq!(order.removal_due, Some(at("2026-12-15T09:00:00+05:00")));
    assert_eq!(
        desk.notices(&case_id).await,
        [("order.issued".to_owned(), "email".to_owned())]
    );

    // Removal due: not a minute early; then non-compliance and the first
    // step (a reminder) at the deadline itself, mailed with its document.
    desk.at("2026-12-15T08:59:00+05:00").await;
    assert_eq!(sink.letters().len(), before_decision + 1);
    desk.at("2026-12-15T09:00:00+05:00").await;
    let events = desk.events(&case_id).await;
    let not_complied: Vec<Timestamp> = events
        .iter()
        .filter_map(|event| match event {
            CaseEvent::OrderNotComplied { recorded_at, .. } => Some(*recorded_at),
            _ => None,
        })
        .collect();
    assert_eq!(not_complied, [at("2026-12-15T09:00:00+05:00")]);
    // Then the repeated order a day later and the offence's record at +72 h.
    desk.at("2026-12-16T09:00:00+05:00").await;
    desk.at("2026-12-18T09:00:00+05:00").await;
    let steps: Vec<(u32, EscalationKind, Timestamp)> = desk
        .events(&case_id)
        .await
        .into_iter()
        .filter_map(|event| match event {
            CaseEvent::EscalationStepTaken {
                step,
                kind,
                taken_at,
                ..
            } => Some((step, kind, taken_at)),
            _ => None,
        })
        .collect();
    assert_eq!(
        steps,
        [
            (1, EscalationKind::Reminder, at("2026-12-15T09:00:00+05:00")),
            (
                2,
                EscalationKind::RepeatedOrder,
                at("2026-12-16T09:00:00+05:00")
            ),
            (
                3,
                EscalationKind::AdministrativeOffence,
                at("2026-12-18T09:00:00+05:00")
            ),
        ]
    );
    let to_owner: Vec<String> = sink
        .letters()
        .iter()
        .skip(before_decision)
        .inspect(|letter| assert_eq!(letter.recipients, ["orders@bully.example"]))
        .map(attachment_name)
        .collect();
    assert_eq!(
        to_owner,
        [
            format!("{order_id}.pdf"),
            format!("{order_id}-step-1.pdf"),
            format!("{order_id}-step-2.pdf"),
            format!("{order_id}-step-3.pdf"),
        ]
    );
    assert_eq!(
        desk.notices(&case_id).await,
        [
            ("order.issued".to_owned(), "email".to_owned()),
            ("order.reminder".to_owned(), "email".to_owned()),
            ("order.escalated".to_owned(), "email".to_owned()),
            ("order.escalated".to_owned(), "email".to_owned()),
        ]
    );

    // The offence step's document, as the outbox renders it: the shipped
    // regime states no fine (none is confirmed for an owner), so the record
    // leaves it to the body hearing the case …
    let state = desk
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    let order = state.order(&order_id).unwrap();
    let shipped = qorgau_domain::regime::Regimes::embedded()
        .get(&state.regime)
        .unwrap();
    let taken = at("2026-12-18T09:00:00+05:00");
    let record = desk
        .outbox
        .order_document(shipped, order, "Bully LLP", Some(3), taken)
        .unwrap();
    assert!(
        record
            .title
            .starts_with("Әкімшілік құқық бұзушылық туралы хабарлама"),
        "{}",
        record.title
    );
    assert!(record.text.contains(
        "Размер штрафа устанавливает орган, рассматривающий дело об административном правонарушении."
    ));
    assert!(!record.text.contains("МРП"), "{}", record.text);
    // … while a regime that states a confirmed fine gets it in MCI × the
    // year's MCI (4 325 tenge in 2026, data/mci.toml), and in MCI only in a
    // year whose MCI is not in the data.
    let fined_file = include_str!("../../../data/regimes/2025-01-28-order-562-nk.toml")
        .replace(
            "legal_basis = \"non_compliance_offence\"     # law, article not confirmed\n",
            "legal_basis = \"non_compliance_offence\"\nfine_mci = 10\n",
        )
        .replace(
            "confirmed = false\nnote = \"\"\"\nNo article",
            "confirmed = true\nnote = \"\"\"\nNo article",
        );
    let fined = qorgau_domain::regime::Regimes::from_files(&[("fined.toml", &fined_file)]).unwrap();
    let fined = fined.get(&state.regime).unwrap();
    assert_eq!(fined.escalation[2].fine_mci, Some(10));
    let record = desk
        .outbox
        .order_document(fined, order, "Bully LLP", Some(3), taken)
        .unwrap();
    assert!(
        record
            .text
            .contains("10 МРП × 4\u{a0}325 тенге (МРП на 2026 год) = 43\u{a0}250 тенге."),
        "{}",
        record.text
    );
    assert!(
        record.text.contains(
            "10 АЕК × 4\u{a0}325 теңге (2026 жылға белгіленген АЕК) = 43\u{a0}250 теңге."
        )
    );
    let next_year = desk
        .outbox
        .order_document(
            fined,
            order,
            "Bully LLP",
            Some(3),
            at("2027-01-05T09:00:00+05:00"),
        )
        .unwrap();
    assert!(
        next_year
            .text
            .contains("Размер штрафа: 10 МРП; сумма в тенге"),
        "{}",
        next_year.text
    );
    assert!(!next_year.text.contains("43\u{a0}250"));
}

/// An SMTP server that accepts the connection and closes it: the order's
/// letter is retried, not lost, and arrives once when the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_that_drops_the_connection_gets_the_letter_later_not_never() {
    let sink = SmtpSink::start().await;
    let retry = RetryPolicy {
        base: std::time::Duration::from_secs(30),
        cap: std::time::Duration::from_secs(60),
        max_attempts: 5,
    };
    let desk = desk(&sink, "2026-12-02T10:00:00+05:00", retry).await;
    let case_id = desk.submit().await;
    desk.worker.run_until_idle().await.unwrap();
    sink.drop_next.store(2, std::sync::atomic::Ordering::SeqCst);
    desk.confirm(&case_id).await;
    let first = desk.worker.run_until_idle().await.unwrap();
    let retried: Vec<String> = first
        .iter()
        .filter(|report| report.kind == "deliver_email")
        .filter_map(|report| match &report.outcome {
            qorgau_app::jobs::JobOutcome::Retry { reason, .. } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(retried.len(), 1, "{first:?}");
    assert!(sink.letters().is_empty());
    assert_eq!(desk.notices(&case_id).await, []);
    // The second attempt is dropped too; the third arrives.
    for minute in [2, 4, 6] {
        desk.at(&format!("2026-12-02T10:0{minute}:00+05:00")).await;
    }
    let letters = sink.letters();
    assert_eq!(letters.len(), 1, "once: {letters:?}");
    assert_eq!(letters[0].recipients, ["orders@bully.example"]);
    assert_eq!(
        desk.notices(&case_id).await,
        [("order.issued".to_owned(), "email".to_owned())]
    );
    let state = desk
        .store
        .load_case(&case_id)
        .await
        .unwrap()
        .unwrap()
        .state()
        .unwrap();
    // Delivered when the server took it, not when it was first tried.
    assert!(
        state.order(&format!("{case_id}-1")).unwrap().delivered_at
            > Some(at("2026-12-02T10:00:00+05:00"))
    );
}
