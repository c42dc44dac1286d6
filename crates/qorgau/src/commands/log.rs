//! `qorgau log public-key`: the transparency log's public key, for auditors
//! and for `qorgau receipt verify --public-key` (the same text as
//! `GET /api/v1/log/public-key`).

use clap::Subcommand;
use qorgau_evidence::checkpoint::KeyPair;

use crate::Session;
use crate::commands::evidence_error;
use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Print the log's public key (`name+keyid+base64`); the key file is
    /// --log-key (default DATA/log.key).
    PublicKey,
}

pub fn run(session: &Session, command: LogCommand) -> Result<u8, AppError> {
    let LogCommand::PublicKey = command;
    let key = KeyPair::load(&session.evidence.log_key).map_err(evidence_error)?;
    println!("{}", key.verifier_key());
    Ok(exit::OK)
}
