//! `qorgau receipt verify` end to end: the real binary on receipt files made
//! by the evidence library, with the exit codes of docs/cli.md.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

use qorgau_evidence::Sha256Digest;
use qorgau_evidence::checkpoint::{KeyPair, VerifierKey};
use qorgau_evidence::merkle::MemoryLeafStore;
use qorgau_evidence::receipt::{EvidenceKind, LogEntry, Receipt, TransparencyLog};

const ORIGIN: &str = "qorgau.test/log";

fn receipt_and_key() -> (Receipt, String) {
    receipt_signed_by(42)
}

/// The receipt of leaf 3 of a five-capture log whose key has `seed`, and
/// that key's public text.
fn receipt_signed_by(seed: u8) -> (Receipt, String) {
    let key = KeyPair::from_seed(ORIGIN, [seed; 32]).unwrap();
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
fn without_a_key_the_receipts_own_key_is_used_and_shown_to_compare() {
    let folder = tempfile::tempdir().unwrap();
    let (receipt, key) = receipt_and_key();
    assert_eq!(receipt.public_key.as_deref(), Some(key.as_str()));
    let file = folder.path().join("receipt.json");
    std::fs::write(&file, receipt.to_json()).unwrap();
    let fingerprint = key
        .parse::<VerifierKey>()
        .unwrap()
        .fingerprint()
        .to_string();
    let run = verify("en", &file, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("The receipt is valid"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("The key was taken from the receipt itself"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(&key), "{}", run.stdout);
    assert!(run.stdout.contains(&fingerprint), "{}", run.stdout);
    assert!(
        run.stdout.contains("/api/v1/log/public-key"),
        "{}",
        run.stdout
    );
    let run = verify("ru", &file, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Ключ взят из самой квитанции"),
        "{}",
        run.stdout
    );

    // A receipt forged with a key of its own is consistent under that key —
    // so the output names the forger's key, not the log's, for the reader to
    // compare — and fails under the published key.
    let (forged, forger_key) = receipt_signed_by(7);
    std::fs::write(&file, forged.to_json()).unwrap();
    let run = verify("en", &file, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&forger_key), "{}", run.stdout);
    assert!(!run.stdout.contains(&key), "{}", run.stdout);
    let run = verify("en", &file, Some(&key));
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("[checkpoint_wrong_key]"),
        "{}",
        run.stderr
    );
}

/// API.md: exit 0 valid, 1 invalid, with the reason — a file that cannot be
/// read or is not a receipt, or a receipt that cannot be checked for want of
/// a key, is not valid either. Only a `--public-key` that is no key is a
/// usage error (2): the receipt was not judged.
#[test]
fn unreadable_or_uncheckable_input_exits_1_with_the_reason() {
    let folder = tempfile::tempdir().unwrap();
    let (receipt, key) = receipt_and_key();
    let json = receipt.to_json();
    let file = folder.path().join("truncated.json");
    std::fs::write(&file, &json[..json.len() / 2]).unwrap();
    for key in [Some(key.as_str()), None] {
        let run = verify("en", &file, key);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("The receipt is NOT valid"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("not a receipt"), "{}", run.stderr);
        assert!(run.stderr.contains("[receipt_malformed]"), "{}", run.stderr);
    }

    let run = verify("en", &folder.path().join("missing.json"), Some(&key));
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("Cannot read the receipt"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("[receipt_unreadable]"),
        "{}",
        run.stderr
    );

    // A receipt from before receipts carried the key, and no key given.
    let mut older = receipt;
    older.public_key = None;
    std::fs::write(&file, older.to_json()).unwrap();
    let run = verify("en", &file, None);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("--public-key"), "{}", run.stderr);
    assert!(
        run.stderr.contains("[public_key_required]"),
        "{}",
        run.stderr
    );
    let run = verify("en", &file, Some(&key));
    assert_eq!(run.code, 0, "{}", run.stderr);

    let run = verify("en", &file, Some("not-a-key"));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("public key is not valid"),
        "{}",
        run.stderr
    );
}
