//! Issue 7 end to end, on a real SQLite file and a real PostgreSQL database
//! (127.0.0.1:5432; `.ci/run` starts it): three applications about one child
//! from three platforms are linked automatically at intake; an expert imports
//! the chat the parent exported; the linked timeline shows the pursuit and its
//! indicators, each about one person, stay quiet until an expert records
//! which accounts are one person and confirms the signs the lexicons only
//! propose; then cyberstalking is suggested naming that person; the expert
//! group decides, with the linked incidents in the "two or more times"
//! count; the case is referred and its referral package (rendered by
//! `qorgau-documents`) recorded as an event.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use qorgau_app::linked::{ChatImportError, ChatUpload};
use qorgau_app::{Evidence, EvidencePaths, Intake, ManualClock, Procedure};
use qorgau_chat::{ChatFormat, ImportOptions};
use qorgau_domain::application::{
    ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
};
use qorgau_domain::category::Category;
use qorgau_domain::linking::{ChildMatch, LinkBasis};
use qorgau_domain::procedure::{Actor, CaseEvent, Command, Outcome, Role, VoteChoice};
use qorgau_domain::pursuit::{Indicator, Sign};
use qorgau_domain::validation::actor::ActorAccount;
use qorgau_domain::validation::resource::Platform;
use qorgau_store::{AnyStore, Links, StaffMember, StaffRole, Store, StoreLocation};

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

async fn connect(url: &str) -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap_or_else(|error| {
            panic!("PostgreSQL at {url} (is it running? `.ci/run` starts it): {error}")
        })
}

/// A database of the test's own, dropped with the guard (also on panic).
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_applications_about_one_child_surface_cyberstalking_on_sqlite() {
    let folder = tempfile::tempdir().unwrap();
    let store = AnyStore::open(&StoreLocation::Embedded(folder.path().join("data")), true)
        .await
        .unwrap();
    the_story(store, folder.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_applications_about_one_child_surface_cyberstalking_on_postgres() {
    let folder = tempfile::tempdir().unwrap();
    let database = PgDatabase::create().await;
    let store = AnyStore::open(&StoreLocation::Postgres(database.url()), true)
        .await
        .unwrap();
    the_story(store, folder.path()).await;
    drop(database);
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

const CHILD_IIN: &str = "130105500019";

/// An application about the child, with one incident by `actor` on `day`.
fn application(
    resource: &str,
    actor: &str,
    day: &str,
    description: &str,
    iin: Option<&str>,
) -> ApplicationForm {
    ApplicationForm {
        language: None,
        applicant: ApplicantForm {
            name: Some("Сәуле Серікова".into()),
            relation: Some(Relation::Parent),
            email: Some("parent@example.kz".into()),
            ..ApplicantForm::default()
        },
        child: ChildForm {
            name: Some("Айгерім Серікова".into()),
            birth_date: Some("2013-01-05".into()),
            iin: iin.map(str::to_owned),
        },
        resources: vec![ResourceForm {
            url: resource.into(),
        }],
        incidents: vec![IncidentForm {
            occurred_on: day.into(),
            resource_url: Some(resource.into()),
            description: description.into(),
            actor: Some(actor.into()),
        }],
        description: None,
    }
}

fn staff(name: &str, role: Role) -> Actor {
    Actor {
        name: name.into(),
        role,
    }
}

/// The parent's copy of the child's chat with the stalker's new account
/// (pasted text; invented people).
const CHAT: &str = "\
[14.03.2025 21:10] Stalker: почему ты меня заблокировала
[14.03.2025 21:12] Айгерім: отстань
[14.03.2025 21:15] Stalker: я знаю, где ты живёшь
[17.03.2025 08:05] Stalker: жду тебя у школы
[17.03.2025 08:30] Айгерім: не пиши мне
";

async fn the_story(store: AnyStore, folder: &std::path::Path) {
    let now = at("2025-03-03T10:00:00+05:00");
    for (username, role, chair) in [
        ("coord", StaffRole::Coordinator, false),
        ("chair", StaffRole::Expert, true),
        ("e1", StaffRole::Expert, false),
        ("e2", StaffRole::Expert, false),
    ] {
        let member = StaffMember {
            username: username.into(),
            display_name: username.into(),
            role,
            chair,
            active: true,
        };
        store.add_staff(&member, now).await.unwrap();
    }
    let clock = ManualClock::new(now);
    let procedure = Procedure::new(&store, &clock);
    let evidence = Evidence::open(
        &EvidencePaths {
            blobs: folder.join("blobs"),
            log_key: folder.join("log.key"),
        },
        Some("https://qorgau.test"),
    )
    .unwrap();
    let coordinator = staff("coord", Role::Coordinator);

    // 1. Three applications about one child, on three platforms, weeks apart.
    let submit = |form: ApplicationForm, when: &'static str| {
        clock.set(at(when));
        let procedure = &procedure;
        let coordinator = &coordinator;
        async move {
            procedure
                .submit(
                    Intake {
                        form: &form,
                        channel: Channel::Electronic,
                        received_at: None,
                        record_refusals: false,
                    },
                    coordinator,
                )
                .await
                .unwrap()
                .case_id
        }
    };
    let first = submit(
        application(
            "https://t.me/class_7a_chat",
            "@stalker_one",
            "2025-03-03",
            "пишет ей оскорбления в чате класса",
            Some(CHILD_IIN),
        ),
        "2025-03-03T10:00:00+05:00",
    )
    .await;
    let second = submit(
        application(
            "https://instagram.com/stalker.two",
            "https://instagram.com/stalker.two",
            "2025-03-10",
            "новый аккаунт после блокировки, пишет каждый день",
            None,
        ),
        "2025-03-10T12:00:00+05:00",
    )
    .await;
    let third = submit(
        application(
            "https://vk.com/stalker3",
            "https://vk.com/stalker3",
            "2025-03-20",
            "пишет, что видел её у школы",
            Some(CHILD_IIN),
        ),
        "2025-03-20T09:00:00+05:00",
    )
    .await;

    // 2. Linked automatically at intake, by the system, in the later case.
    let links_of_third = store.case_links(&third).await.unwrap();
    let summary: Vec<(&str, LinkBasis, Option<ChildMatch>, bool, &str)> = links_of_third
        .iter()
        .map(|row| {
            (
                row.other_case_id.as_str(),
                row.link.basis,
                row.link.child_match,
                row.link.automatic,
                row.link.by.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                first.as_str(),
                LinkBasis::SameChild,
                Some(ChildMatch::Iin),
                true,
                "qorgau"
            ),
            (
                second.as_str(),
                LinkBasis::SameChild,
                Some(ChildMatch::NameAndBirthDate),
                true,
                "qorgau"
            ),
        ]
    );
    let links_of_first = store.case_links(&first).await.unwrap();
    assert_eq!(links_of_first.len(), 2, "seen from the first case too");
    // The keyed hashes hold no copy of the IIN, and the record names only how
    // the child matched.
    let third_events = store.load_case(&third).await.unwrap().unwrap().events;
    for event in &third_events {
        if let CaseEvent::CasesLinked { .. } = event {
            let json = serde_json::to_string(event).unwrap();
            assert!(!json.contains(CHILD_IIN), "{json}");
        }
    }

    // 3. An expert imports the chat; the actor wrote on two days.
    clock.set(at("2025-03-20T15:00:00+05:00"));
    let expert = staff("e1", Role::Expert { chair: false });
    let upload = |sender: &str| ChatUpload {
        format: ChatFormat::Text,
        options: ImportOptions::default(),
        actor_sender: sender.into(),
        platform: Platform::Telegram,
        account: "@stalker_new".into(),
        file: qorgau_app::linked::ChatFile::Bytes(CHAT.as_bytes().to_vec()),
    };
    // A sender who is not in the chat: refused, nothing recorded.
    let refused = procedure
        .import_chat(&third, &expert, upload("Nobody"), &evidence)
        .await;
    assert!(
        matches!(refused, Err(ChatImportError::UnknownSender { .. })),
        "{refused:?}"
    );
    let imported = procedure
        .import_chat(&third, &expert, upload("Stalker"), &evidence)
        .await
        .unwrap();
    assert_eq!(imported.summary.messages, 5);
    assert_eq!(imported.actor_messages, 3);
    let days: Vec<String> = imported
        .occasions
        .iter()
        .map(|occasion| format!("{} {}", occasion.on, occasion.messages))
        .collect();
    assert_eq!(days, ["2025-03-14 2", "2025-03-17 1"]);
    assert_eq!(imported.occasions[0].first_message, 1);
    assert!(
        imported.occasions[1].offline > 0,
        "«у школы» is offline pursuit"
    );
    // The file is an upload of the case, kept byte for byte.
    let items = store.case_evidence(&third).await.unwrap();
    let item = items
        .iter()
        .find(|item| item.evidence_id == imported.evidence_id)
        .unwrap();
    assert_eq!(item.kind, "upload");
    assert_eq!(item.digest.as_deref(), Some(imported.digest.as_str()));
    let stored = evidence
        .read(&imported.digest.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored, CHAT.as_bytes());
    // The record keeps the summary, not the messages: neither the actor's
    // words nor the child's.
    let third_events = store.load_case(&third).await.unwrap().unwrap().events;
    let chat_event = third_events
        .iter()
        .find(|event| event.type_name() == "chat_imported")
        .unwrap();
    let json = serde_json::to_string(chat_event).unwrap();
    for private in ["отстань", "не пиши мне", "где ты живёшь", "Айгерім"]
    {
        assert!(!json.contains(private), "{private} in {json}");
    }

    // 4. The linked timeline: everything towards the child, in time order.
    let timeline = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(
        timeline.cases,
        [third.clone(), first.clone(), second.clone()]
    );
    let entries: Vec<String> = timeline
        .entries
        .iter()
        .map(|entry| entry.entry.reference.clone())
        .collect();
    assert_eq!(
        entries,
        [
            format!("{first} incident 1"),
            format!("{second} incident 1"),
            format!("{third} chat {} message 1", imported.evidence_id),
            format!("{third} chat {} message 4", imported.evidence_id),
            format!("{third} incident 1"),
        ]
    );
    // Four accounts, each its own person until an expert says otherwise:
    // nobody wrote on three days or on two channels, and the lexicons'
    // "у школы" is only proposed, so nothing fires — three classmates and a
    // stranger would look the same.
    assert_eq!(timeline.assessment.findings, []);
    assert_eq!(timeline.assessment.suggestion(), None);
    let chat_day_two = format!("{third} chat {} message 4", imported.evidence_id);
    let proposed: Vec<(&str, &[Sign])> = timeline
        .entries
        .iter()
        .filter(|entry| !entry.unconfirmed.is_empty())
        .map(|entry| (entry.entry.reference.as_str(), entry.unconfirmed.as_slice()))
        .collect();
    // «я знаю, где ты живёшь» proposes monitoring, «жду тебя у школы»
    // offline pursuit: proposals, not counted.
    let chat_day_one = format!("{third} chat {} message 1", imported.evidence_id);
    assert_eq!(
        proposed,
        [
            (chat_day_one.as_str(), &[Sign::Monitoring][..]),
            (chat_day_two.as_str(), &[Sign::Offline][..]),
        ]
    );
    // The first case's timeline is the same child's: the same entries.
    let from_first = procedure.linked_timeline(&first).await.unwrap();
    assert_eq!(from_first.entries.len(), timeline.entries.len());

    // 4a. The expert records that the new Telegram account and the VK
    // account are one person: one actor on two platforms.
    let telegram_new = ActorAccount::parse(Platform::Telegram, "@stalker_new").unwrap();
    let vk = ActorAccount::parse(Platform::Vk, "https://vk.com/stalker3").unwrap();
    let finding = |timeline: &qorgau_app::linked::LinkedTimeline, indicator: Indicator| {
        timeline
            .assessment
            .findings
            .iter()
            .find(|finding| finding.indicator == indicator)
            .map(|finding| finding.rests_on.clone())
    };
    procedure
        .link_actors(
            &third,
            [telegram_new.clone(), vk.clone()],
            "the same photo and the same phrases; the parent confirmed".into(),
            &expert,
        )
        .await
        .unwrap();
    let third_incident = format!("{third} incident 1");
    let linked = procedure.linked_timeline(&first).await.unwrap();
    assert_eq!(
        finding(&linked, Indicator::CrossChannel),
        Some(vec![chat_day_one.clone(), third_incident.clone()])
    );
    // One person on three days (14, 17, 20 March): repeated contact too.
    assert_eq!(
        finding(&linked, Indicator::RepeatedContact),
        Some(vec![
            chat_day_one.clone(),
            chat_day_two.clone(),
            third_incident.clone()
        ])
    );
    let suggestion = linked.assessment.suggestion().unwrap();
    assert_eq!(suggestion.category, Category::Cyberstalking);
    assert_eq!(
        suggestion.person,
        telegram_new.key.clone().min(vk.key.clone())
    );
    assert_eq!(suggestion.platforms, [Platform::Telegram, Platform::Vk]);
    assert_eq!(
        suggestion.indicators,
        [Indicator::RepeatedContact, Indicator::CrossChannel]
    );
    // The expert reads the chat day and confirms the offline sign, with a
    // reason; the school gate is now offline pursuit, recorded in the case
    // the chat belongs to, whichever page it was confirmed from.
    let recorded_in = procedure
        .confirm_sign(
            &first,
            &chat_day_two,
            Sign::Offline,
            true,
            "«жду тебя у школы»: he waits for her at the school".into(),
            &expert,
        )
        .await
        .unwrap();
    assert_eq!(recorded_in, third);
    let confirmed = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(
        finding(&confirmed, Indicator::OfflineSpill),
        Some(vec![chat_day_two.clone()])
    );
    assert_eq!(
        confirmed.assessment.suggestion().unwrap().indicators.len(),
        3
    );
    assert_eq!(linked.actor_links.len(), 1);
    assert_eq!(linked.actor_links[0].recorded_in, third);
    // Undone from the first case's page: recorded where the link is, and the
    // indicator is quiet again; then linked once more.
    let recorded_in = procedure
        .unlink_actors(
            &first,
            [vk.key.clone(), telegram_new.key.clone()],
            "checking again".into(),
            &coordinator,
        )
        .await
        .unwrap();
    assert_eq!(recorded_in, third);
    let unlinked = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(finding(&unlinked, Indicator::CrossChannel), None);
    assert_eq!(finding(&unlinked, Indicator::RepeatedContact), None);
    procedure
        .link_actors(
            &third,
            [vk.clone(), telegram_new.clone()],
            "confirmed by the platform's answer".into(),
            &expert,
        )
        .await
        .unwrap();

    // 4b. The parent says the child blocked @stalker_one. Recorded on the day
    // of the last incident, nothing new follows it: quiet. Recorded on the
    // day it happened, the new accounts after it fire.
    let stalker_one = ActorAccount::parse(Platform::Telegram, "@stalker_one").unwrap();
    procedure
        .record_block(
            &third,
            stalker_one.clone(),
            "2025-03-20".parse().unwrap(),
            true,
            &expert,
        )
        .await
        .unwrap();
    let too_late = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(finding(&too_late, Indicator::NewAccountsAfterBlock), None);
    procedure
        .record_block(
            &third,
            stalker_one.clone(),
            "2025-03-12".parse().unwrap(),
            false,
            &expert,
        )
        .await
        .unwrap();
    // @stalker_one is nobody's until an expert links it to the new accounts:
    // a classmate writing after a block is not a new account of the blocked.
    let blocked = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(finding(&blocked, Indicator::NewAccountsAfterBlock), None);
    procedure
        .link_actors(
            &third,
            [stalker_one.clone(), telegram_new.clone()],
            "the new account asks why she blocked him".into(),
            &expert,
        )
        .await
        .unwrap();
    let blocked = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(
        finding(&blocked, Indicator::NewAccountsAfterBlock),
        Some(vec![
            format!("{third} block 2"),
            chat_day_one.clone(),
            third_incident.clone()
        ])
    );
    assert!(
        blocked
            .entries
            .iter()
            .any(|entry| entry.entry.reference == format!("{third} block 1"))
    );

    // 5. The experts decide; the linked incidents count.
    for (name, chair) in [("e1", false), ("e2", false), ("chair", true)] {
        procedure
            .run(
                &third,
                &staff(name, Role::Expert { chair }),
                Command::Vote {
                    vote: VoteChoice::Confirm,
                    category: Category::Cyberstalking,
                    indicators: vec![],
                    reasons: "repeated contact on four days over three platforms, \
                              waiting at the school"
                        .into(),
                },
            )
            .await
            .unwrap();
    }
    let decide = procedure.decide_command(&third, None).await.unwrap();
    let (events, state) = procedure
        .run(
            &third,
            &staff("chair", Role::Expert { chair: true }),
            decide,
        )
        .await
        .unwrap();
    let Some(CaseEvent::DecisionMade {
        outcome,
        category,
        systematic,
        ..
    }) = events
        .iter()
        .find(|event| event.type_name() == "decision_made")
    else {
        panic!("no decision in {events:?}");
    };
    assert_eq!(*outcome, Outcome::Confirmed);
    assert_eq!(*category, Category::Cyberstalking);
    // One incident and two chat days here; two incidents in linked cases.
    assert_eq!(systematic.incidents_in_case, 3);
    assert_eq!(systematic.incidents_in_linked_cases, 2);
    assert!(state.orders.iter().any(|order| order.owner == "vk"));

    // 6. No package before the referral; then referred, the package
    // recorded; unlinking a case takes it out of the timeline.
    let early = procedure
        .record_referral_package(
            &third,
            &expert,
            referral_package(&procedure, &third).await,
            &evidence,
        )
        .await;
    assert!(
        matches!(
            early,
            Err(qorgau_app::ServiceError::Procedure(
                qorgau_domain::procedure::ProcedureError::NotReferred
            ))
        ),
        "{early:?}"
    );
    procedure
        .run(
            &third,
            &coordinator,
            Command::ReferToLawEnforcement {
                authority: "Police Department of Almaty".into(),
                note: None,
            },
        )
        .await
        .unwrap();
    // The referral package, rendered as the web service renders its PDF,
    // kept and recorded; only after the referral.
    let package = referral_package(&procedure, &third).await;
    let recorded = procedure
        .record_referral_package(&third, &expert, package, &evidence)
        .await
        .unwrap();
    let third_events = store.load_case(&third).await.unwrap().unwrap().events;
    let prepared = third_events
        .iter()
        .find_map(|event| match event {
            CaseEvent::ReferralPackagePrepared {
                evidence_id,
                digest,
                pdf_digest,
                linked_cases,
                by,
                ..
            } => Some((
                evidence_id.clone(),
                digest.clone(),
                pdf_digest.clone(),
                linked_cases.clone(),
                by.clone(),
            )),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        prepared,
        (
            recorded.evidence_id.clone(),
            recorded.digest.clone(),
            Some(recorded.pdf_digest.clone()),
            vec![first.clone(), second.clone()],
            "e1".to_owned()
        )
    );
    let pdf = evidence
        .read(&recorded.pdf_digest.parse().unwrap())
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let document = evidence
        .read(&recorded.digest.parse().unwrap())
        .await
        .unwrap();
    let document = String::from_utf8(document).unwrap();
    assert!(document.contains("127-2"), "{document}");
    assert!(document.contains(&chat_day_two), "{document}");
    assert!(!document.contains("Айгерім") && !document.contains(CHILD_IIN));
    let recorded_in = procedure
        .unlink_cases(
            &second,
            &third,
            "the applicant's second child".into(),
            &coordinator,
        )
        .await
        .unwrap();
    assert_eq!(recorded_in, third);
    let after = procedure.linked_timeline(&third).await.unwrap();
    assert_eq!(after.cases, [third.clone(), first.clone()]);
    store.verify().await.unwrap();
}

/// The referral package of `case_id` as the web service renders it, in
/// Kazakh: the linked timeline, the indicators and the suggestion through
/// `qorgau-documents` (the HTML and the PDF); the app keeps and records it.
async fn referral_package(
    procedure: &Procedure<'_, AnyStore>,
    case_id: &str,
) -> qorgau_app::linked::RenderedReferral {
    use qorgau_documents::{
        OrderLanguage, ReferralDocument, ReferralEntry, ReferralIndicator, Templates,
    };
    use qorgau_domain::message::{Language, Message};
    let localizer = qorgau_i18n::Localizer::embedded();
    let say = |message: &Message| localizer.render(Language::Kk, message);
    let timeline = procedure.linked_timeline(case_id).await.unwrap();
    let state = procedure.load(case_id).await.unwrap().state().unwrap();
    let document = ReferralDocument {
        case_number: case_id.to_owned(),
        language: OrderLanguage::Kk,
        prepared_at: state.received_at,
        received_at: state.received_at,
        regime: state.regime.clone(),
        legal_basis: vec![say(&Message::new("referral-legal-basis"))],
        decision: None,
        referral: None,
        accounts: timeline
            .entries
            .iter()
            .filter_map(|item| item.entry.account.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        linked_cases: timeline.cases[1..].to_vec(),
        timeline: timeline
            .entries
            .iter()
            .map(|item| ReferralEntry {
                at: item.entry.at,
                case_number: item.case_id.clone(),
                account: item.entry.account.clone().unwrap_or_default(),
                platform: item.entry.platform.display_name().to_owned(),
                detail: item.entry.reference.clone(),
                reference: item.entry.reference.clone(),
            })
            .collect(),
        indicators: timeline
            .assessment
            .findings
            .iter()
            .map(|finding| ReferralIndicator {
                name: say(&Message::new(finding.indicator.message_id())),
                explanation: say(&finding.explain(&timeline.thresholds)),
                rests_on: finding.rests_on.clone(),
            })
            .collect(),
        suggestion: timeline
            .assessment
            .suggestion()
            .map(|suggestion| say(&suggestion.explain())),
        evidence: Vec::new(),
        electronic_copy: None,
    };
    let rendered =
        qorgau_documents::render_referral(&Templates::embedded().unwrap(), &document).unwrap();
    qorgau_app::linked::RenderedReferral {
        language: Language::Kk,
        document: rendered.html.into_bytes(),
        pdf: rendered.pdf,
        linked_cases: timeline.cases[1..].to_vec(),
    }
}
