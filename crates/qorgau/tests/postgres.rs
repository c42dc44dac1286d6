//! The command line on PostgreSQL, end to end through the real binary: a
//! pilot's embedded store moved to PostgreSQL with `export` / `import`, and
//! the schema rules of a shared database (`migrate`). Each test has a
//! database of its own on 127.0.0.1:5432 (`.ci/run` starts the server),
//! dropped at the end whether the test passed or not.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{PgDatabase, Run};

/// Wednesday 2 December 2026, 10:00 Almaty.
const RECEIVED: &str = "2026-12-02T10:00:00+05:00";

/// `qorgau ARGS` in English, the clock pinned, on the store `store_args` names
/// (`--data DIR` or `--database-url URL`).
fn qorgau(store_args: &[&str], args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_qorgau"))
        .args(store_args)
        .args(args)
        .env("QORGAU_LANG", "en")
        .env("QORGAU_TEST_NOW", RECEIVED)
        .env_remove("QORGAU_USER")
        .env_remove("QORGAU_DATA")
        .env_remove("QORGAU_DATABASE_URL")
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

const APPLICATION: &str = r#"{
  "language": "ru",
  "applicant": {"name": "Айгуль Ахметова", "relation": "parent", "email": "aigul@example.kz"},
  "child": {"name": "Данияр", "birth_date": "2012-04-15", "iin": "120415500122"},
  "resources": [{"url": "https://t.me/s/school_memes_kz"}, {"url": "instagram.com/fake_daniyar"}],
  "incidents": [
    {"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz", "description": "мем", "actor": "@mocker"},
    {"occurred_on": "2026-11-24", "resource_url": "https://www.instagram.com/fake_daniyar/", "description": "фейк", "actor": "@mocker"}
  ]
}"#;

/// A pilot's store: staff, one confirmed case with its orders, one fresh case.
fn pilot(data: &Path) -> Vec<String> {
    let store = ["--data", data.to_str().unwrap()];
    qorgau(&store, &["init"]).ok();
    for args in [
        &[
            "staff",
            "add",
            "coord",
            "--name",
            "Координатор",
            "--role",
            "coordinator",
        ][..],
        &[
            "staff",
            "add",
            "chair",
            "--name",
            "Төраға",
            "--role",
            "expert",
            "--chair",
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
        qorgau(&store, args).ok();
    }
    let file = data.join("application.json");
    std::fs::write(&file, APPLICATION).unwrap();
    let mut case_ids = Vec::new();
    for _ in 0..2 {
        let run = qorgau(
            &store,
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
        let case_id = run
            .stdout
            .split_whitespace()
            .find(|word| word.starts_with("QG-2026-"))
            .unwrap()
            .to_owned();
        case_ids.push(case_id);
    }
    for who in ["e1", "e2", "chair"] {
        qorgau(
            &store,
            &[
                "--as",
                who,
                "case",
                "vote",
                &case_ids[0],
                "--vote",
                "confirm",
                "--category",
                "cyberbullying",
                "--reasons",
                "seen the posts",
            ],
        )
        .ok();
    }
    qorgau(&store, &["--as", "coord", "case", "decide", &case_ids[0]]).ok();
    case_ids
}

/// What a reader sees of the whole store, command by command.
fn everything_readable(store: &[&str], case_ids: &[String]) -> Vec<String> {
    let mut seen = Vec::new();
    for case_id in case_ids {
        seen.push(
            qorgau(store, &["case", "show", case_id, "--json"])
                .ok()
                .stdout,
        );
    }
    for args in [
        &["cases", "list", "--json"][..],
        &["cases", "due", "--json"],
        &["staff", "list"],
        &["verify"],
    ] {
        seen.push(qorgau(store, args).ok().stdout);
    }
    seen
}

#[test]
fn a_pilot_moves_to_postgresql_by_export_and_import() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let case_ids = pilot(&data);
    let sqlite = ["--data", data.to_str().unwrap()];
    let before = everything_readable(&sqlite, &case_ids);
    assert!(before[0].contains("order"), "{}", before[0]);

    let archive = folder.path().join("pilot.jsonl");
    let run = qorgau(&sqlite, &["export", archive.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("Exported"), "{}", run.stdout);
    // An export never overwrites.
    qorgau(&sqlite, &["export", archive.to_str().unwrap()]).fails(2);

    let database = PgDatabase::named("cli");
    let url = database.url_with_password();
    // With PostgreSQL the evidence folder and log key default to the working
    // folder: keep this test's in its own.
    let (blobs, key) = (folder.path().join("blobs"), folder.path().join("log.key"));
    let postgres = [
        "--database-url",
        url.as_str(),
        "--blobs",
        blobs.to_str().unwrap(),
        "--log-key",
        key.to_str().unwrap(),
    ];
    let run = qorgau(&postgres, &["init"]).ok();
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    assert!(run.stdout.contains(&database.name), "{}", run.stdout);
    let run = qorgau(&postgres, &["import", archive.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("Imported"), "{}", run.stdout);
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);

    // The same record, the same head, the same cases, deadlines and staff.
    assert_eq!(everything_readable(&postgres, &case_ids), before);

    // Only into an empty store: a second import is refused and changes nothing.
    let run = qorgau(&postgres, &["import", archive.to_str().unwrap()]).fails(2);
    assert!(run.stderr.contains("empty store"), "{}", run.stderr);
    assert_eq!(everything_readable(&postgres, &case_ids), before);

    // The moved store carries on: the next case number, then a clean chain.
    let file = folder.path().join("application.json");
    std::fs::write(&file, APPLICATION).unwrap();
    let run = qorgau(
        &postgres,
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
    assert!(run.stdout.contains("QG-2026-000003"), "{}", run.stdout);
    qorgau(&postgres, &["verify"]).ok();

    // And back: PostgreSQL to a new embedded store, through a pipe-friendly `-`.
    let run = qorgau(&postgres, &["export", "-"]).ok();
    let again = folder.path().join("again");
    let roundtrip = folder.path().join("roundtrip.jsonl");
    std::fs::write(&roundtrip, &run.stdout).unwrap();
    let embedded = ["--data", again.to_str().unwrap()];
    qorgau(&embedded, &["init"]).ok();
    qorgau(&embedded, &["import", roundtrip.to_str().unwrap()]).ok();
    assert_eq!(
        qorgau(&embedded, &["verify"]).ok().stdout,
        qorgau(&postgres, &["verify"]).ok().stdout
    );
}

#[test]
fn a_shared_database_is_migrated_only_by_qorgau_migrate() {
    let database = PgDatabase::created("cli");
    let url = database.url_with_password();
    let postgres = ["--database-url", url.as_str()];
    // An empty database: every command says what is missing and what to run.
    let run = qorgau(&postgres, &["verify"]).fails(5);
    assert!(run.stderr.contains("0001_case_record"), "{}", run.stderr);
    assert!(run.stderr.contains("qorgau migrate"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    qorgau(&postgres, &["staff", "list"]).fails(5);

    let run = qorgau(&postgres, &["migrate"]).ok();
    assert!(run.stdout.contains("0001_case_record"), "{}", run.stdout);
    let run = qorgau(&postgres, &["migrate"]).ok();
    assert!(run.stdout.contains("up to date"), "{}", run.stdout);
    let run = qorgau(&postgres, &["verify"]).ok();
    assert!(run.stdout.contains("0 events"), "{}", run.stdout);

    // A database that does not exist: `init` creates it.
    let missing = PgDatabase::named("cli");
    let missing_url = missing.url_with_password();
    let run = qorgau(&["--database-url", missing_url.as_str()], &["verify"]).fails(5);
    assert!(run.stderr.contains("qorgau init"), "{}", run.stderr);
}

#[test]
fn a_broken_archive_is_refused_naming_the_entry() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    pilot(&data);
    let sqlite = ["--data", data.to_str().unwrap()];
    let archive = folder.path().join("pilot.jsonl");
    qorgau(&sqlite, &["export", archive.to_str().unwrap()]).ok();
    let text = std::fs::read_to_string(&archive).unwrap();
    // Change the recorded actor of entry 3 and keep its hashes.
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.contains("\"seq\":3,") {
                line.replacen("\"actor\":\"coord\"", "\"actor\":\"mallory\"", 1)
            } else {
                line.to_owned()
            }
        })
        .collect();
    let tampered = folder.path().join("tampered.jsonl");
    std::fs::write(&tampered, lines.join("\n") + "\n").unwrap();

    let database = PgDatabase::named("cli");
    let url = database.url_with_password();
    let (blobs, key) = (folder.path().join("blobs"), folder.path().join("log.key"));
    let postgres = [
        "--database-url",
        url.as_str(),
        "--blobs",
        blobs.to_str().unwrap(),
        "--log-key",
        key.to_str().unwrap(),
    ];
    qorgau(&postgres, &["init"]).ok();
    let run = qorgau(&postgres, &["import", tampered.to_str().unwrap()]).fails(1);
    assert!(run.stderr.contains("sequence number 3"), "{}", run.stderr);
    // Nothing was loaded.
    let run = qorgau(&postgres, &["verify"]).ok();
    assert!(run.stdout.contains("0 events"), "{}", run.stdout);
}
