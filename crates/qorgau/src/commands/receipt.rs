//! `qorgau receipt verify FILE [--public-key KEY]`: checks an evidence
//! receipt offline, with no access to the server (docs/evidence.md).
//!
//! Exit 0 valid, 1 invalid — a receipt that fails a check, but also one that
//! cannot be read, is not a receipt at all (damaged, truncated) or cannot be
//! checked because no key is at hand — always with the reason, in the
//! session's language, and its code. Exit 2 only for a `--public-key` that is
//! not a key: the command was given wrong, the receipt was not judged.
//!
//! Without `--public-key` the receipt is checked under the key it carries,
//! and the output says so, with the key and its fingerprint: a receipt cannot
//! vouch for its own key, so the reader compares it with the published one.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use qorgau_domain::message::{Explain, Message};
use qorgau_evidence::checkpoint::VerifierKey;
use qorgau_evidence::receipt::{VerifiedReceipt, verify_receipt, verify_receipt_with_its_key};

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum ReceiptCommand {
    /// Checks an evidence receipt offline; exit 0 valid, 1 invalid (with the reason).
    Verify {
        /// The receipt JSON file (downloaded from the tracking page or
        /// GET /api/v1/applications/{case}/evidence/{id}/receipt).
        file: PathBuf,
        /// The log's public key: the key text `name+hash+base64` (from
        /// GET /api/v1/log/public-key) or a file holding it. Without it the
        /// key the receipt carries is used, and printed to compare with the
        /// published one: a receipt cannot vouch for its own key.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
    },
}

pub fn run(session: &Session, command: ReceiptCommand) -> Result<u8, AppError> {
    let ReceiptCommand::Verify { file, public_key } = command;
    // The key first: a wrong argument is a usage error whatever the file.
    let key = public_key.as_deref().map(read_public_key).transpose()?;
    let bytes = std::fs::read(&file).map_err(|error| {
        invalid(
            session,
            &Message::new("evidence-receipt-unreadable")
                .with("path", file.display().to_string())
                .with("detail", error.to_string()),
            "receipt_unreadable",
        )
    })?;
    let verified = match &key {
        Some(key) => verify_receipt(&bytes, key).map(|verified| (verified, None)),
        None => verify_receipt_with_its_key(&bytes).map(|(verified, key)| (verified, Some(key))),
    };
    match verified {
        Ok((verified, carried)) => {
            println!("{}", session.say(&valid(&verified)));
            if let Some(key) = carried {
                println!(
                    "{}",
                    session.say(
                        &Message::new("evidence-receipt-key-from-receipt")
                            .with("key", key.to_string())
                            .with("fingerprint", key.fingerprint().to_string())
                    )
                );
            }
            Ok(exit::OK)
        }
        // `ReceiptError::code()`: `receipt_malformed`, `public_key_required`, …
        Err(error) => Err(invalid(session, &error.explain(), error.code())),
    }
}

fn valid(verified: &VerifiedReceipt) -> Message {
    Message::new("evidence-receipt-valid")
        .with("digest", verified.digest.to_string())
        .with("kind", verified.kind.as_str())
        .with("captured", verified.captured_at.to_string())
        .with("index", verified.log_index as i64)
        .with("size", verified.checkpoint.tree_size as i64)
        .with("origin", verified.checkpoint.origin.as_str())
}

/// The receipt is not valid (exit 1): the reason and its code.
fn invalid(session: &Session, reason: &Message, code: &str) -> AppError {
    let reason = format!("{} [{code}]", session.say(reason));
    AppError::Explained {
        message: Message::new("evidence-receipt-invalid").with("reason", reason),
        exit_code: exit::FAILED_CHECK,
    }
}

/// The key text itself, or a file that holds it.
fn read_public_key(source: &str) -> Result<VerifierKey, AppError> {
    let invalid_key = |detail: String| {
        AppError::bad_input(Message::new("evidence-public-key-invalid").with("detail", detail))
    };
    match source.parse::<VerifierKey>() {
        Ok(key) => Ok(key),
        Err(parse_error) => {
            let path = Path::new(source);
            if !path.is_file() {
                return Err(invalid_key(parse_error.to_string()));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|error| invalid_key(format!("{}: {error}", path.display())))?;
            text.trim()
                .parse::<VerifierKey>()
                .map_err(|error| invalid_key(error.to_string()))
        }
    }
}
