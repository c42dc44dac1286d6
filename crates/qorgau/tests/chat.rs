#![allow(clippy::unwrap_used, clippy::panic)]
//! `qorgau import chat` end to end: the real binary on the chat fixtures of
//! `crates/qorgau-chat/tests/fixtures` (written for the tests, no real chat),
//! and `qorgau import FILE` still loading an archive beside it. The stores
//! are embedded, or PostgreSQL databases with `QORGAU_TEST_STORE=postgres`.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::TestStore;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    fn exits(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "stdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }
}

fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qorgau"));
    command
        .env_remove("QORGAU_TEST_NOW")
        .env_remove("QORGAU_LANG")
        .env_remove("QORGAU_DATA")
        .env_remove("QORGAU_DATABASE_URL")
        .env_remove("QORGAU_LEXICONS");
    command
}

fn qorgau(args: &[&str]) -> Run {
    Run::from(command().args(args).output().unwrap())
}

/// `qorgau STORE ARGS`: `qorgau ARGS` on the test's store, in its folder.
fn on_store(store: &TestStore, args: &[&str]) -> Run {
    Run::from(
        command()
            .current_dir(store.folder())
            .args(store.args())
            .args(args)
            .output()
            .unwrap(),
    )
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../qorgau-chat/tests/fixtures")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

#[test]
fn telegram_preview_as_json_is_exactly_the_api() {
    let file = fixture("telegram/result.json");
    let run = qorgau(&["import", "chat", &file, "--format", "telegram", "--json"]).exits(0);
    // Field for field, in API.md's order.
    assert_eq!(
        run.stdout,
        concat!(
            r#"{"messages":10,"senders":[{"name":"Бұзақы_77","messages":7},{"name":"Айгерім","messages":2},"#,
            r#"{"name":"user5000000002","messages":1}],"first_at":"2024-02-05T19:02:11+06:00","#,
            r#""last_at":"2024-02-10T08:10:00+06:00","skipped":1}"#,
            "\n"
        )
    );
    // The reason for the skipped record, for a person, on standard error.
    let run = qorgau(&[
        "--lang", "en", "import", "chat", &file, "--format", "telegram", "--json",
    ])
    .exits(0);
    assert!(
        run.stderr.contains("Telegram service records") && run.stderr.contains("message 105"),
        "{}",
        run.stderr
    );
    // Another zone: the same instants, another offset.
    let run = qorgau(&[
        "import",
        "chat",
        &file,
        "--format",
        "telegram",
        "--json",
        "--timezone",
        "UTC",
    ])
    .exits(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["first_at"], "2024-02-05T13:02:11+00:00");
}

#[test]
fn whatsapp_and_pasted_text_as_json() {
    let run = qorgau(&[
        "import",
        "chat",
        &fixture("whatsapp/android-en-us.txt"),
        "--format",
        "whatsapp",
        "--json",
    ])
    .exits(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["messages"], 4);
    assert_eq!(json["skipped"], 1);
    assert_eq!(json["last_at"], "2024-01-14T00:01:00+06:00");
    assert_eq!(
        json["senders"][0],
        serde_json::json!({"name": "Stranger", "messages": 3})
    );

    let run = qorgau(&[
        "import",
        "chat",
        &fixture("text/pasted.txt"),
        "--format",
        "text",
        "--json",
    ])
    .exits(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["messages"], 4);
    assert_eq!(json["skipped"], 0);
}

#[test]
fn the_readable_preview_in_three_languages() {
    let file = fixture("whatsapp/android-ru.txt");
    let expected = [
        (
            "kk",
            [
                "WhatsApp хатының экспорты (мәтін)",
                "2 жіберушіден 6 хабарлама",
                "Незнакомец: 4",
                "Өткізіліп жіберілгені: 2",
                "Бұл алдын ала қарау: ештеңе сақталған жоқ.",
            ],
        ),
        (
            "ru",
            [
                "Экспорт чата WhatsApp (текст)",
                "6 сообщений от 2 отправителей",
                "С 2024-01-02 10:11 по 2024-01-05 07:31 (время Asia/Almaty)",
                "первая: строка 1",
                "Это предпросмотр: ничего не сохранено.",
            ],
        ),
        (
            "en",
            [
                "WhatsApp chat export (text)",
                "6 messages from 2 senders",
                "Ержан: 2",
                "times written without a time zone were read as Asia/Almaty time.",
                "This is a preview: nothing was stored.",
            ],
        ),
    ];
    for (language, lines) in expected {
        let run = qorgau(&[
            "--lang", language, "import", "chat", &file, "--format", "whatsapp",
        ])
        .exits(0);
        for line in lines {
            assert!(
                run.stdout.contains(line),
                "{language}: {line:?} in\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn signals_name_the_lexicon_entry_and_decide_nothing() {
    let run = qorgau(&[
        "--lang",
        "en",
        "import",
        "chat",
        &fixture("whatsapp/android-ru.txt"),
        "--format",
        "whatsapp",
        "--signals",
    ])
    .exits(0);
    assert!(
        run.stdout
            .contains("line 3, insult: “дурак” (insults/ru-durak)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "line 6, monitoring or tracking: “знаю где ты живешь” (tracking/ru-znayu-gde-zhivesh)"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("they decide nothing"), "{}", run.stdout);

    // Personal data is masked in the preview but for its last two digits.
    let folder = tempfile::tempdir().unwrap();
    let chat = folder.path().join("doxx.txt");
    std::fs::write(&chat, "Stranger: her number is +7 701 123 45 67\n").unwrap();
    let run = qorgau(&[
        "--lang",
        "en",
        "import",
        "chat",
        chat.to_str().unwrap(),
        "--format",
        "text",
        "--signals",
        "--json",
    ])
    .exits(0);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["signals"], serde_json::json!({"doxxing": 1}));
    let run = qorgau(&[
        "--lang",
        "en",
        "import",
        "chat",
        chat.to_str().unwrap(),
        "--format",
        "text",
        "--signals",
    ])
    .exits(0);
    assert!(
        run.stdout.contains("“+• ••• ••• •• 67” (doxxing/kz-phone)"),
        "{}",
        run.stdout
    );
}

#[test]
fn broken_files_are_refused_whole_and_nothing_is_stored() {
    let store = TestStore::from_env("chat");
    let whole = std::fs::read(fixture("telegram/result.json")).unwrap();
    let truncated = store.folder().join("result.json");
    std::fs::write(&truncated, &whole[..whole.len() / 2]).unwrap();
    let run = on_store(
        &store,
        &[
            "--lang",
            "en",
            "import",
            "chat",
            truncated.to_str().unwrap(),
            "--format",
            "telegram",
            "--json",
        ],
    )
    .exits(2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("The file ends in the middle"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Nothing was imported"),
        "{}",
        run.stderr
    );
    // The preview never opened, let alone created, a store.
    assert!(!store.exists());

    let run = qorgau(&[
        "--lang",
        "ru",
        "import",
        "chat",
        &fixture("telegram/result.json"),
        "--format",
        "whatsapp",
    ])
    .exits(2);
    assert!(
        run.stderr.contains("Правильно ли указан --format?"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("первая: строка 1"), "{}", run.stderr);

    let run = qorgau(&[
        "--lang",
        "en",
        "import",
        "chat",
        &fixture("telegram/whole-account.json"),
        "--format",
        "telegram",
    ])
    .exits(2);
    assert!(
        run.stderr.contains("whole-account Telegram export"),
        "{}",
        run.stderr
    );

    let run = qorgau(&[
        "--lang",
        "en",
        "import",
        "chat",
        &fixture("telegram/result.json"),
        "--format",
        "telegram",
        "--timezone",
        "Mars/Olympus_Mons",
    ])
    .exits(2);
    assert!(run.stderr.contains("not a time zone"), "{}", run.stderr);

    let run = qorgau(&[
        "--lang",
        "en",
        "import",
        "chat",
        "/no/such/export.json",
        "--format",
        "telegram",
    ])
    .exits(2);
    assert!(
        run.stderr.contains("/no/such/export.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let mut child = command()
        .args(["import", "chat", "-", "--format", "text", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("A: one\nB: two\nA: three\n".as_bytes())
        .unwrap();
    let run = Run::from(child.wait_with_output().unwrap()).exits(0);
    assert_eq!(
        run.stdout,
        "{\"messages\":3,\"senders\":[{\"name\":\"A\",\"messages\":2},{\"name\":\"B\",\"messages\":1}],\"first_at\":null,\"last_at\":null,\"skipped\":0}\n"
    );
}

#[test]
fn import_of_an_archive_still_works_beside_import_chat() {
    let source = TestStore::from_env("chat_source");
    let target = TestStore::from_env("chat_target");
    let archive: PathBuf = source.folder().join("archive.jsonl");
    let archive = archive.to_str().unwrap();
    on_store(&source, &["init"]).exits(0);
    on_store(&source, &["export", archive]).exits(0);
    on_store(&target, &["init"]).exits(0);
    let run = on_store(&target, &["--lang", "en", "import", archive]).exits(0);
    assert!(run.stdout.contains("Imported"), "{}", run.stdout);
    // Neither a file nor a subcommand: clap's usage error.
    qorgau(&["import"]).exits(2);
}

#[test]
fn experts_extend_the_lexicons_with_a_folder_and_a_broken_file_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let chat = folder.path().join("chat.txt");
    std::fs::write(&chat, "Stranger: ты настоящий тормозилла\n").unwrap();
    let lexicons = folder.path().join("lexicons");
    std::fs::create_dir(&lexicons).unwrap();
    let args = [
        "--lang",
        "en",
        "import",
        "chat",
        chat.to_str().unwrap(),
        "--format",
        "text",
        "--signals",
    ];
    // Not in the built-in lexicons.
    let before = qorgau(&args).exits(0);
    assert!(!before.stdout.contains("тормозилла"), "{}", before.stdout);

    std::fs::write(
        lexicons.join("school_slang.toml"),
        "category = \"insult\"\n\n[[entry]]\nid = \"ru-tormozilla\"\nlanguage = \"ru\"\nterm = \"тормозилла\"\n",
    )
    .unwrap();
    let extended = Run::from(
        command()
            .args(args)
            .env("QORGAU_LEXICONS", &lexicons)
            .output()
            .unwrap(),
    )
    .exits(0);
    assert!(
        extended
            .stdout
            .contains("insult: “тормозилла” (school_slang/ru-tormozilla)"),
        "{}",
        extended.stdout
    );
    // The built-in entries are still there beside it.
    std::fs::write(&chat, "Stranger: ты дурак и тормозилла\n").unwrap();
    let both = Run::from(
        command()
            .args(args)
            .env("QORGAU_LEXICONS", &lexicons)
            .output()
            .unwrap(),
    )
    .exits(0);
    assert!(
        both.stdout.contains("(insults/ru-durak)"),
        "{}",
        both.stdout
    );

    // A broken file stops the command, naming it; in the user's language.
    std::fs::write(
        lexicons.join("broken.toml"),
        "category = \"insult\"\n[[entry]]\nid = \n",
    )
    .unwrap();
    let refused = Run::from(
        command()
            .args(["--lang", "ru"])
            .args(&args[2..])
            .env("QORGAU_LEXICONS", &lexicons)
            .output()
            .unwrap(),
    )
    .exits(2);
    assert!(refused.stderr.contains("broken.toml"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("Не удалось загрузить"),
        "{}",
        refused.stderr
    );
}
