//! `qorgau receipt verify` end to end: the real binary on receipt files made
//! by the evidence library, with the exit codes of docs/cli.md.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use qorgau_evidence::Sha256Digest;
use qorgau_evidence::checkpoint::KeyPair;
use qorgau_evidence::merkle::MemoryLeafStore;
use qorgau_evidence::receipt::{EvidenceKind, LogEntry, Receipt, TransparencyLog};

const ORIGIN: &str = "qorgau.test/log";

fn receipt_and_key() -> (Receipt, String) {
    let key = KeyPair::from_seed(ORIGIN, [42; 32]).unwrap();
    let public_key = key.verifier_key().to_string();
    let mut log = TransparencyLog::new(MemoryLeafStore::new(), key);
    for number in 0..5u8 {
        log.append(&LogEntry::Evidence {
            digest: Sha256Digest::of(&[number]),
            kind: EvidenceKind::Capture,
            captured_at: "2026-11-28T09:30:00Z".parse().unwrap(),
            size: 2048,
            original: None,
        })
        .unwrap();
    }
    (log.receipt(3).unwrap(), public_key)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn verify(language: &str, file: &Path, key: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qorgau"));
    command
        .args(["--lang", language, "receipt", "verify"])
        .arg(file)
        .env_remove("QORGAU_LANG");
    if let Some(key) = key {
        command.args(["--public-key", key]);
    }
    let output = command.output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn a_valid_receipt_exits_0_with_the_key_text_or_a_key_file() {
    let folder = tempfile::tempdir().unwrap();
    let (receipt, key) = receipt_and_key();
    let file = folder.path().join("receipt.json");
    std::fs::write(&file, receipt.to_json()).unwrap();
    let run = verify("en", &file, Some(&key));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("The receipt is valid"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&Sha256Digest::of(&[3]).to_string()));

    let key_file = folder.path().join("log.pub");
    std::fs::write(&key_file, format!("{key}\n")).unwrap();
    let run = verify("kk", &file, Some(key_file.to_str().unwrap()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Түбіртек жарамды"), "{}", run.stdout);
}

#[test]
fn a_tampered_receipt_exits_1_with_the_reason_in_the_session_language() {
    let folder = tempfile::tempdir().unwrap();
    let (receipt, key) = receipt_and_key();
    let mut tampered = receipt.clone();
    tampered.digest = Sha256Digest::of(b"something else");
    let file = folder.path().join("tampered.json");
    std::fs::write(&file, tampered.to_json()).unwrap();

    let run = verify("ru", &file, Some(&key));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Квитанция НЕдействительна"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("[entry_mismatch]"), "{}", run.stderr);

    let mut moved = receipt;
    moved.log_index = 2;
    std::fs::write(&file, moved.to_json()).unwrap();
    let run = verify("en", &file, Some(&key));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("[proof_invalid]"), "{}", run.stderr);
}

#[test]
fn a_receipt_checked_with_another_key_exits_1() {
    let folder = tempfile::tempdir().unwrap();
    let (receipt, _) = receipt_and_key();
    let file = folder.path().join("receipt.json");
    std::fs::write(&file, receipt.to_json()).unwrap();
    let other = KeyPair::from_seed(ORIGIN, [7; 32])
        .unwrap()
        .verifier_key()
        .to_string();
    let run = verify("en", &file, Some(&other));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("[checkpoint_wrong_key]"),
        "{}",
        run.stderr
    );
}

#[test]
fn unreadable_input_exits_2() {
    let folder = tempfile::tempdir().unwrap();
    let (receipt, key) = receipt_and_key();
    let json = receipt.to_json();
    let file = folder.path().join("truncated.json");
    std::fs::write(&file, &json[..json.len() / 2]).unwrap();
    let run = verify("en", &file, Some(&key));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a receipt"), "{}", run.stderr);

    let run = verify("en", &folder.path().join("missing.json"), Some(&key));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("Cannot read the receipt"),
        "{}",
        run.stderr
    );

    std::fs::write(&file, &json).unwrap();
    let run = verify("en", &file, None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--public-key"), "{}", run.stderr);
    let run = verify("en", &file, Some("not-a-key"));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("public key is not valid"),
        "{}",
        run.stderr
    );
}
