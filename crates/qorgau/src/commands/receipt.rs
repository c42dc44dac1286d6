//! `qorgau receipt verify FILE --public-key KEY`: checks an evidence receipt
//! offline, with no access to the server (docs/evidence.md).
//!
//! Exit 0 valid, 1 invalid (the reason, in the session's language), 2 when
//! the file or the key cannot be read or is not a receipt at all.

use std::path::PathBuf;

use clap::Subcommand;
use qorgau_domain::message::{Explain, Message};
use qorgau_evidence::checkpoint::VerifierKey;
use qorgau_evidence::receipt::{ReceiptError, verify_receipt};

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum ReceiptCommand {
    /// Checks an evidence receipt offline; exit 0 valid, 1 invalid (with the reason), 2 unreadable.
    Verify {
        /// The receipt JSON file (downloaded from the tracking page or
        /// GET /api/v1/applications/{case}/evidence/{id}/receipt).
        file: PathBuf,
        /// The log's public key: the key text `name+hash+base64` (from
        /// GET /api/v1/log/public-key) or a file holding it. Required: a
        /// receipt cannot vouch for the key that checks it.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
    },
}

pub fn run(session: &Session, command: ReceiptCommand) -> Result<u8, AppError> {
    let ReceiptCommand::Verify { file, public_key } = command;
    let key = read_public_key(public_key.as_deref())?;
    let bytes = std::fs::read(&file).map_err(|error| {
        AppError::bad_input(
            Message::new("evidence-receipt-unreadable")
                .with("path", file.display().to_string())
                .with("detail", error.to_string()),
        )
    })?;
    match verify_receipt(&bytes, &key) {
        Ok(verified) => {
            println!(
                "{}",
                session.say(
                    &Message::new("evidence-receipt-valid")
                        .with("digest", verified.digest.to_string())
                        .with("kind", verified.kind.as_str())
                        .with("captured", verified.captured_at.to_string())
                        .with("index", verified.log_index as i64)
                        .with("size", verified.checkpoint.tree_size as i64)
                        .with("origin", verified.checkpoint.origin.as_str())
                )
            );
            Ok(exit::OK)
        }
        Err(error) => Err(invalid(session, &error)),
    }
}

/// A malformed file is bad input (exit 2); a receipt that fails a check is
/// invalid (exit 1). Both name the reason and its code.
fn invalid(session: &Session, error: &ReceiptError) -> AppError {
    if error.is_malformed_input() {
        return AppError::bad_input(error.explain());
    }
    let reason = format!("{} [{}]", session.say(&error.explain()), error.code());
    AppError::Explained {
        message: Message::new("evidence-receipt-invalid").with("reason", reason),
        exit_code: exit::FAILED_CHECK,
    }
}

/// The key text itself, or a file that holds it.
fn read_public_key(source: Option<&str>) -> Result<VerifierKey, AppError> {
    let Some(source) = source else {
        return Err(AppError::bad_input(Message::new(
            "evidence-public-key-required",
        )));
    };
    let invalid_key = |detail: String| {
        AppError::bad_input(Message::new("evidence-public-key-invalid").with("detail", detail))
    };
    match source.parse::<VerifierKey>() {
        Ok(key) => Ok(key),
        Err(parse_error) => {
            let path = std::path::Path::new(source);
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
