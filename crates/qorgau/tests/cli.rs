//! The command line end to end: a real binary, a real store (the embedded one,
//! or PostgreSQL with `QORGAU_TEST_STORE=postgres`), a pinned clock.
//! Each scenario walks one branch of the procedure as a coordinator would.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;

use common::{Run, TestStore, run};

struct Qorgau {
    store: TestStore,
}

const APPLICATION: &str = r#"{
  "language": "ru",
  "applicant": {"name": "Айгуль Ахметова", "relation": "parent", "email": "aigul@example.kz"},
  "child": {"name": "Данияр", "birth_date": "2012-04-15", "iin": "120415500122"},
  "resources": [{"url": "https://t.me/s/school_memes_kz?utm_source=share"}, {"url": "instagram.com/fake_daniyar"}],
  "incidents": [
    {"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz", "description": "мем", "actor": "@mocker"},
    {"occurred_on": "2026-11-24", "resource_url": "https://www.instagram.com/fake_daniyar/", "description": "фейк", "actor": "@mocker"}
  ]
}"#;

/// Wednesday 2 December 2026, 10:00 Almaty.
const RECEIVED: &str = "2026-12-02T10:00:00+05:00";

impl Qorgau {
    /// A fresh store with a coordinator and an expert group of three.
    fn new() -> Qorgau {
        let qorgau = Qorgau {
            store: TestStore::from_env("cli"),
        };
        qorgau.at(RECEIVED, &["init"]).ok();
        for args in [
            &[
                "staff",
                "add",
                "coord",
                "--name",
                "Coordinator",
                "--role",
                "coordinator",
            ][..],
            &[
                "staff", "add", "chair", "--name", "Chair", "--role", "expert", "--chair",
            ],
            &[
                "staff",
                "add",
                "e1",
                "--name",
                "Expert One",
                "--role",
                "expert",
            ],
            &[
                "staff",
                "add",
                "e2",
                "--name",
                "Expert Two",
                "--role",
                "expert",
            ],
        ] {
            qorgau.at(RECEIVED, args).ok();
        }
        qorgau
    }

    /// The test's folder, for the files it writes.
    fn data(&self) -> &Path {
        self.store.folder()
    }

    /// Runs `qorgau ARGS` in English with the clock pinned at `now`.
    fn at(&self, now: &str, args: &[&str]) -> Run {
        run(self.store.command().env("QORGAU_TEST_NOW", now).args(args))
    }

    fn submit(&self, json: &str) -> String {
        let file = self.data().join("application.json");
        std::fs::write(&file, json).unwrap();
        let run = self
            .at(
                RECEIVED,
                &[
                    "--as",
                    "coord",
                    "case",
                    "submit",
                    "--json",
                    file.to_str().unwrap(),
                ],
            )
            .ok();
        let case_id = run.stdout.split_whitespace().nth(1).unwrap().to_owned();
        assert!(case_id.starts_with("QG-2026-"), "{}", run.stdout);
        case_id
    }

    fn vote(&self, who: &str, case_id: &str, vote: &str, category: &str) {
        self.at(
            RECEIVED,
            &[
                "--as",
                who,
                "case",
                "vote",
                case_id,
                "--vote",
                vote,
                "--category",
                category,
                "--reasons",
                "seen the posts",
            ],
        )
        .ok();
    }

    fn show_json(&self, now: &str, case_id: &str) -> serde_json::Value {
        let run = self.at(now, &["case", "show", case_id, "--json"]).ok();
        serde_json::from_str(&run.stdout).unwrap()
    }

    fn phase(&self, case_id: &str) -> String {
        self.show_json(RECEIVED, case_id)["phase"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn event_count(&self) -> u64 {
        let run = self.at(RECEIVED, &["verify"]).ok();
        run.stdout
            .split_whitespace()
            .find_map(|word| word.parse().ok())
            .unwrap()
    }

    fn coordinator(&self, now: &str, args: &[&str]) -> Run {
        let mut all = vec!["--as", "coord"];
        all.extend_from_slice(args);
        self.at(now, &all)
    }

    fn confirmed(&self) -> String {
        let case_id = self.submit(APPLICATION);
        for who in ["e1", "e2", "chair"] {
            self.vote(who, &case_id, "confirm", "cyberbullying");
        }
        let run = self
            .coordinator(RECEIVED, &["case", "decide", &case_id])
            .ok();
        assert!(run.stdout.contains("order_issued"), "{}", run.stdout);
        case_id
    }
}

#[test]
fn refused_without_an_internet_resource() {
    let qorgau = Qorgau::new();
    let file = qorgau.data().join("kk.json");
    std::fs::write(
        &file,
        r#"{"language":"kk","applicant":{"name":"Ержан","relation":"citizen","email":"e@example.kz"},
            "child":{"name":"Әсел","birth_date":"2011-09-02"},"resources":[],
            "incidents":[{"occurred_on":"2026-11-25","description":"хабарламалар"}]}"#,
    )
    .unwrap();
    let run = qorgau
        .at(
            RECEIVED,
            &[
                "--lang",
                "kk",
                "--as",
                "coord",
                "case",
                "submit",
                "--json",
                file.to_str().unwrap(),
            ],
        )
        .ok();
    assert!(
        run.stdout.contains("қараудан бас тартылды"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("интернет-ресурс"), "{}", run.stdout);
    let case_id = run.stdout.split_whitespace().next().unwrap().to_owned();
    assert_eq!(qorgau.phase(&case_id), "refused");
    qorgau
        .coordinator(RECEIVED, &["case", "decide", &case_id])
        .fails(3);
    qorgau
        .coordinator(
            RECEIVED,
            &["case", "respond", &case_id, "--channel", "email"],
        )
        .ok();
    qorgau
        .coordinator(RECEIVED, &["case", "close", &case_id])
        .ok();
    assert_eq!(qorgau.phase(&case_id), "closed");
}

#[test]
fn not_confirmed() {
    let qorgau = Qorgau::new();
    let case_id = qorgau.submit(APPLICATION);
    qorgau.vote("e1", &case_id, "not-confirm", "none");
    qorgau.vote("e2", &case_id, "not-confirm", "none");
    qorgau.vote("chair", &case_id, "confirm", "cyberbullying");
    let run = qorgau
        .coordinator(RECEIVED, &["case", "decide", &case_id])
        .ok();
    assert!(!run.stdout.contains("order_issued"));
    assert_eq!(qorgau.phase(&case_id), "not_confirmed");
    qorgau
        .coordinator(RECEIVED, &["order", "issue", &case_id])
        .fails(3);
    qorgau
        .coordinator(RECEIVED, &["case", "respond", &case_id])
        .ok();
    qorgau
        .coordinator(RECEIVED, &["case", "close", &case_id])
        .ok();
    qorgau.at(RECEIVED, &["verify"]).ok();
}

#[test]
fn confirmed_then_removed() {
    let qorgau = Qorgau::new();
    let case_id = qorgau.confirmed();
    let document = qorgau.show_json(RECEIVED, &case_id);
    assert_eq!(document["phase"], "confirmed");
    // Received Wednesday: three working days are Thu 3, Fri 4, Mon 7 December.
    assert_eq!(document["decision_due"], "2026-12-08T00:00:00+05:00");
    let orders = document["state"]["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 2);
    for order in ["1", "2"] {
        let order_id = format!("{case_id}-{order}");
        qorgau
            .coordinator(
                "2026-12-02T11:00:00+05:00",
                &["order", "delivered", &order_id, "--channel", "webhook"],
            )
            .ok();
        qorgau
            .coordinator(
                "2026-12-02T12:00:00+05:00",
                &["order", "acknowledged", &order_id],
            )
            .ok();
        qorgau
            .coordinator(
                "2026-12-02T18:00:00+05:00",
                &["order", "removal-reported", &order_id],
            )
            .ok();
        qorgau
            .coordinator(
                "2026-12-02T19:00:00+05:00",
                &["order", "verify", &order_id, "--result", "removed"],
            )
            .ok();
    }
    let document = qorgau.show_json("2026-12-02T19:00:00+05:00", &case_id);
    let statuses: Vec<&str> = document["state"]["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|order| order["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["removed", "removed"]);
    qorgau
        .coordinator("2026-12-03T09:00:00+05:00", &["case", "respond", &case_id])
        .ok();
    qorgau
        .coordinator("2026-12-03T09:00:00+05:00", &["case", "close", &case_id])
        .ok();
    let text = qorgau
        .at("2026-12-03T09:00:00+05:00", &["case", "show", &case_id])
        .ok()
        .stdout;
    assert!(text.contains("closed"), "{text}");
    assert!(text.contains("case_closed (coord)"), "{text}");
    qorgau.at(RECEIVED, &["verify"]).ok();
}

#[test]
fn confirmed_then_not_complied_then_escalated() {
    let qorgau = Qorgau::new();
    let case_id = qorgau.confirmed();
    let order = format!("{case_id}-2");
    qorgau
        .coordinator("2026-12-02T11:00:00+05:00", &["order", "delivered", &order])
        .ok();
    // Before the 24 hours are up, non-compliance cannot be recorded.
    let early = qorgau
        .coordinator(
            "2026-12-03T10:59:00+05:00",
            &["order", "not-complied", &order],
        )
        .fails(3);
    assert!(
        early.stderr.contains("2026-12-03 11:00"),
        "{}",
        early.stderr
    );
    // The board shows the removal deadline as overdue once it has passed.
    let board = qorgau
        .at("2026-12-03T12:00:00+05:00", &["cases", "due"])
        .ok()
        .stdout;
    let removal_line = board.lines().find(|line| line.contains(&order)).unwrap();
    assert!(
        removal_line.starts_with('!') && removal_line.contains("overdue by 1 hour"),
        "{board}"
    );
    // A check after the deadline finds the content: non-compliance is recorded.
    let run = qorgau
        .coordinator(
            "2026-12-03T12:00:00+05:00",
            &["order", "verify", &order, "--result", "still-present"],
        )
        .ok();
    assert!(run.stdout.contains("order_not_complied"), "{}", run.stdout);
    let steps = [
        ("2026-12-03T12:00:00+05:00", "reminder"),
        ("2026-12-04T11:00:00+05:00", "repeated_order"),
        ("2026-12-06T11:00:00+05:00", "administrative_offence"),
        ("2026-12-10T11:00:00+05:00", "access_restriction_request"),
    ];
    for (when, kind) in steps {
        qorgau
            .coordinator(when, &["order", "escalate", &order])
            .ok();
        let document = qorgau.show_json(when, &case_id);
        let escalations = document["state"]["orders"][1]["escalations"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(escalations.last().unwrap(), kind);
    }
    qorgau
        .coordinator("2026-12-11T11:00:00+05:00", &["order", "escalate", &order])
        .fails(3);
    // The other order was removed; with every step taken on this one, the case can close.
    let other = format!("{case_id}-1");
    qorgau
        .coordinator("2026-12-02T11:00:00+05:00", &["order", "delivered", &other])
        .ok();
    qorgau
        .coordinator(
            "2026-12-02T15:00:00+05:00",
            &["order", "verify", &other, "--result", "removed"],
        )
        .ok();
    qorgau
        .coordinator("2026-12-11T11:00:00+05:00", &["case", "respond", &case_id])
        .ok();
    qorgau
        .coordinator("2026-12-11T11:00:00+05:00", &["case", "close", &case_id])
        .ok();
    qorgau.at(RECEIVED, &["verify"]).ok();
}

#[test]
fn extended_by_the_chair() {
    let qorgau = Qorgau::new();
    let case_id = qorgau.submit(APPLICATION);
    let refused = qorgau
        .at(
            RECEIVED,
            &[
                "--as",
                "e1",
                "case",
                "extend",
                &case_id,
                "--until",
                "2026-12-15",
                "--reason",
                "r",
            ],
        )
        .fails(3);
    assert!(refused.stderr.contains("chair"), "{}", refused.stderr);
    let too_long = qorgau
        .at(
            RECEIVED,
            &[
                "--as",
                "chair",
                "case",
                "extend",
                &case_id,
                "--until",
                "2026-12-18",
                "--reason",
                "r",
            ],
        )
        .fails(3);
    assert!(
        too_long.stderr.contains("2026-12-17"),
        "{}",
        too_long.stderr
    );
    qorgau
        .at(
            "2026-12-03T09:00:00+05:00",
            &[
                "--as",
                "chair",
                "case",
                "extend",
                &case_id,
                "--until",
                "2026-12-17",
                "--reason",
                "psychologist's opinion needed",
            ],
        )
        .ok();
    let document = qorgau.show_json("2026-12-03T09:00:00+05:00", &case_id);
    assert_eq!(document["decision_due"], "2026-12-18T00:00:00+05:00");
    let kinds: Vec<&str> = document["pending_deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|deadline| deadline["kind"].as_str().unwrap())
        .collect();
    // Extended on Thursday 3 December: the notice is due by Monday 7 December.
    assert_eq!(kinds[0], "extension_notice");
    assert_eq!(document["pending_deadlines"][0]["last_day"], "2026-12-07");
    qorgau
        .coordinator(
            "2026-12-04T09:00:00+05:00",
            &["case", "notify-extension", &case_id],
        )
        .ok();
    for who in ["e1", "e2", "chair"] {
        qorgau.vote(who, &case_id, "confirm", "cyberbullying");
    }
    qorgau
        .coordinator("2026-12-16T09:00:00+05:00", &["case", "decide", &case_id])
        .ok();
    assert_eq!(qorgau.phase(&case_id), "confirmed");
}

#[test]
fn a_second_decision_is_refused_and_writes_nothing() {
    let qorgau = Qorgau::new();
    let case_id = qorgau.confirmed();
    let before = qorgau.event_count();
    let run = qorgau
        .coordinator(RECEIVED, &["case", "decide", &case_id])
        .fails(3);
    assert!(
        run.stderr.contains("already made on 2026-12-02 10:00"),
        "{}",
        run.stderr
    );
    assert_eq!(qorgau.event_count(), before);
}

#[test]
fn bad_application_files_are_refused_and_write_nothing() {
    let qorgau = Qorgau::new();
    qorgau.submit(APPLICATION);
    let before = qorgau.event_count();
    let file = qorgau.data().join("bad.json");
    let file_arg = file.to_str().unwrap();

    std::fs::write(
        &file,
        "{\"language\": \"ru\",\n \"applicant\": {\"name\": }",
    )
    .unwrap();
    let run = qorgau
        .coordinator(RECEIVED, &["case", "submit", "--json", file_arg])
        .fails(2);
    assert!(run.stderr.contains("line 2"), "{}", run.stderr);

    std::fs::write(&file, r#"{"resorces": []}"#).unwrap();
    let run = qorgau
        .coordinator(RECEIVED, &["case", "submit", "--json", file_arg])
        .fails(2);
    assert!(
        run.stderr.contains("unknown field `resorces`"),
        "{}",
        run.stderr
    );

    let invalid = APPLICATION
        .replace("2012-04-15", "15.04.2012")
        .replace("aigul@example.kz", "aigul.example.kz");
    std::fs::write(&file, invalid).unwrap();
    let run = qorgau
        .coordinator(RECEIVED, &["case", "submit", "--json", file_arg])
        .fails(2);
    assert!(
        run.stderr.contains("applicant.email") && run.stderr.contains("child.birth_date"),
        "{}",
        run.stderr
    );

    // Received before any legal regime was in force.
    std::fs::write(&file, APPLICATION.replace("2026-11-2", "2021-11-2")).unwrap();
    let run = qorgau
        .coordinator(
            RECEIVED,
            &[
                "case",
                "submit",
                "--json",
                file_arg,
                "--received-at",
                "2021-12-01T10:00:00+06:00",
            ],
        )
        .fails(2);
    assert!(run.stderr.contains("2021-12-01"), "{}", run.stderr);

    // In the future.
    let run = qorgau
        .coordinator(
            RECEIVED,
            &[
                "case",
                "submit",
                "--json",
                file_arg,
                "--received-at",
                "2027-01-01T10:00:00+05:00",
            ],
        )
        .fails(2);
    assert!(!run.stderr.is_empty());

    qorgau
        .coordinator(RECEIVED, &["case", "submit", "--json", "/nonexistent.json"])
        .fails(2);
    assert_eq!(qorgau.event_count(), before);
}

#[test]
fn unknown_cases_orders_and_people() {
    let qorgau = Qorgau::new();
    qorgau
        .at(RECEIVED, &["case", "show", "QG-2026-000042"])
        .fails(4);
    qorgau
        .coordinator(RECEIVED, &["order", "delivered", "nonsense"])
        .fails(4);
    let run = qorgau
        .at(
            RECEIVED,
            &["--as", "nobody", "case", "review", "QG-2026-000001"],
        )
        .fails(4);
    assert!(run.stderr.contains("nobody"), "{}", run.stderr);
    let run = qorgau
        .at(RECEIVED, &["case", "review", "QG-2026-000001"])
        .fails(2);
    assert!(run.stderr.contains("--as"), "{}", run.stderr);
}

#[test]
fn a_tampered_database_fails_verification_naming_the_event() {
    let qorgau = Qorgau::new();
    qorgau.confirmed();
    qorgau.at(RECEIVED, &["verify"]).ok();
    // Past the append-only trigger, as someone with access to the database
    // could: dropped on SQLite, disabled on PostgreSQL.
    let allow_updates = if qorgau.store.database.is_some() {
        "ALTER TABLE case_events DISABLE TRIGGER case_events_no_update"
    } else {
        "DROP TRIGGER case_events_no_update"
    };
    qorgau.store.execute(&[
        allow_updates,
        "UPDATE case_events SET payload = replace(payload, 'seen the posts', 'seen the post') WHERE seq = 5",
    ]);
    let run = qorgau.at(RECEIVED, &["verify"]).fails(1);
    assert!(run.stderr.contains("sequence number 5"), "{}", run.stderr);
}

/// The statistics tallies every published figure is summed from are checked
/// against the case rows beside them; a tally changed behind the store's
/// back is named by its day.
#[test]
fn verification_checks_the_statistics_tallies() {
    let qorgau = Qorgau::new();
    qorgau.confirmed();
    let run = qorgau.at(RECEIVED, &["verify"]).ok();
    assert!(
        run.stdout
            .contains("The statistics tallies match the cases of the one day with cases."),
        "{}",
        run.stdout
    );
    qorgau
        .store
        .execute(&["UPDATE stats_tally SET count = count + 1 WHERE item = 'outcome:confirmed'"]);
    let run = qorgau.at(RECEIVED, &["verify"]).fails(1);
    assert!(
        run.stderr.contains("The statistics tallies of 2026-"),
        "{}",
        run.stderr
    );
}

#[test]
fn calendar_and_iin_commands() {
    let qorgau = Qorgau::new();
    assert_eq!(
        qorgau
            .at(
                RECEIVED,
                &["calendar", "add-working-days", "2026-12-02", "3"]
            )
            .ok()
            .stdout,
        "2026-12-07\n"
    );
    assert_eq!(
        qorgau
            .at(RECEIVED, &["calendar", "is-working-day", "2026-12-05"])
            .ok()
            .stdout,
        "false\n"
    );
    assert_eq!(
        qorgau
            .at(RECEIVED, &["calendar", "is-working-day", "2026-12-04"])
            .ok()
            .stdout,
        "true\n"
    );
    let run = qorgau
        .at(
            RECEIVED,
            &["calendar", "add-working-days", "2031-01-05", "3"],
        )
        .fails(2);
    assert!(run.stderr.contains("2031"), "{}", run.stderr);
    qorgau
        .at(
            RECEIVED,
            &["calendar", "add-working-days", "2026-02-30", "3"],
        )
        .fails(2);

    let valid = qorgau.at(RECEIVED, &["iin", "check", "120415500122"]).ok();
    let report: serde_json::Value = serde_json::from_str(&valid.stdout).unwrap();
    assert_eq!(report["valid"], true);
    assert_eq!(report["birth_date"], "2012-04-15");
    assert_eq!(report["sex"], "male");
    assert_eq!(report["error"], serde_json::Value::Null);
    let invalid = qorgau
        .at(RECEIVED, &["iin", "check", "120415500123"])
        .fails(1);
    let report: serde_json::Value = serde_json::from_str(&invalid.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert!(report["error"].as_str().unwrap().len() > 5);
}

#[test]
fn messages_follow_the_chosen_language() {
    let qorgau = Qorgau::new();
    let case_id = qorgau.confirmed();
    for (language, expected) in [
        ("ru", "Решение уже принято"),
        ("kk", "Шешім"),
        ("en", "already made"),
    ] {
        let run = qorgau
            .coordinator(RECEIVED, &["--lang", language, "case", "decide", &case_id])
            .fails(3);
        assert!(run.stderr.contains(expected), "{language}: {}", run.stderr);
    }
}
