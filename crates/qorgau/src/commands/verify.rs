//! `qorgau verify`: the case record's hash chain, the transparency log
//! against the record, every file the log commits to against the blob
//! store, the statistics tallies against the cases, and the latest
//! checkpoint's signature. Exit 0 when all hold; 1 naming the first fault.

use std::collections::HashSet;

use qorgau_domain::message::Message;
use qorgau_domain::procedure::CaseEvent;
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::cas::{BlobStore, CasError, FsBlobStore};
use qorgau_evidence::checkpoint::{KeyError, KeyPair, verify_checkpoint};
use qorgau_store::{AnyStore, LOG_PAGE, Maintenance, Statistics, Store};

use super::{evidence_error, hex_head};
use crate::Session;
use crate::error::{AppError, exit};

pub async fn verify(session: &Session) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    let summary = store.verify().await?;
    println!(
        "{}",
        session.say(
            &Message::new("cli-verify-intact")
                .with("entries", summary.entries as i64)
                .with("head", hex_head(&summary.head))
        )
    );
    let log = store.verify_log().await?;
    println!(
        "{}",
        session.say(
            &Message::new("cli-verify-log-intact")
                .with("leaves", log.leaves as i64)
                .with("evidence", log.evidence as i64)
                .with("root", hex_head(&log.root))
        )
    );
    verify_kept_files(session, &store).await?;
    // Every published figure is summed from the per-day tallies: they must
    // be the sums of the case rows beside them (docs/statistics.md).
    let tallies = store.verify_tallies().await?;
    if let Some(day) = tallies.first_difference {
        return Err(AppError::Explained {
            message: Message::new("cli-verify-statistics-broken").with("day", day.to_string()),
            exit_code: exit::FAILED_CHECK,
        });
    }
    println!(
        "{}",
        session
            .say(&Message::new("cli-verify-statistics-intact").with("days", tallies.days as i64))
    );
    let Some(checkpoint) = log.latest else {
        println!("{}", session.say(&Message::new("cli-verify-no-checkpoint")));
        return Ok(exit::OK);
    };
    let size = checkpoint.tree_size as i64;
    let key = match KeyPair::load(&session.evidence.log_key) {
        Ok(key) => key.verifier_key(),
        Err(KeyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            println!(
                "{}",
                session.say(
                    &Message::new("cli-verify-checkpoint-unchecked")
                        .with("size", size)
                        .with("path", session.evidence.log_key.display().to_string())
                )
            );
            return Ok(exit::OK);
        }
        Err(error) => return Err(evidence_error(error)),
    };
    let forged = |detail: String| AppError::Explained {
        message: Message::new("cli-verify-checkpoint-forged")
            .with("size", size)
            .with("detail", detail),
        exit_code: exit::FAILED_CHECK,
    };
    let signed =
        verify_checkpoint(&checkpoint.note, &key).map_err(|error| forged(error.to_string()))?;
    if signed.tree_size != checkpoint.tree_size || signed.root_hash != checkpoint.root {
        return Err(forged(format!(
            "the note is of a tree of {} leaves with another root",
            signed.tree_size
        )));
    }
    println!(
        "{}",
        session.say(
            &Message::new("cli-verify-checkpoint")
                .with("size", size)
                .with("key", key.to_string())
        )
    );
    Ok(exit::OK)
}

/// A file an event names as kept, and the first entry that names it.
struct KeptFile {
    digest: String,
    seq: u64,
    case_id: String,
}

/// What a kept file turned out to be.
enum Fault {
    Missing,
    Damaged,
}

/// Every blob the record names as kept ([`CaseEvent::kept_blobs`]: captured
/// pages, uploads, screenshots, copies, packages) is in the blob store and
/// hashes to its name. The log's leaves commit to these digests; a file
/// gone or changed is evidence lost, which the log alone cannot show. The
/// store is opened only to read, so this is safe beside a running server;
/// with no store in the folder, the files are reported unchecked.
async fn verify_kept_files(session: &Session, store: &AnyStore) -> Result<(), AppError> {
    let mut kept = Vec::new();
    let mut seen = HashSet::new();
    let mut after = 0u64;
    loop {
        let page = store.entries_after(after, LOG_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.entry.seq;
        for stored in page {
            let entry = stored.entry;
            // `verify_log` has already decoded every entry.
            let Ok(event) = serde_json::from_str::<CaseEvent>(&entry.payload) else {
                continue;
            };
            for digest in event.kept_blobs() {
                if seen.insert(digest.to_owned()) {
                    kept.push(KeptFile {
                        digest: digest.to_owned(),
                        seq: entry.seq,
                        case_id: entry.case_id.clone(),
                    });
                }
            }
        }
    }
    let folder = session.evidence.blobs.clone();
    let blobs = match FsBlobStore::open_to_read(&folder) {
        Ok(blobs) => blobs,
        Err(CasError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            let message = if kept.is_empty() {
                Message::new("cli-verify-files-none")
            } else {
                Message::new("cli-verify-files-unchecked")
                    .with("files", kept.len() as i64)
                    .with("path", folder.display().to_string())
            };
            println!("{}", session.say(&message));
            return Ok(());
        }
        Err(error) => return Err(evidence_error(error)),
    };
    // Reading every file is disk-bound work: off the async threads.
    let checked = tokio::task::spawn_blocking(move || {
        let mut bytes = 0u64;
        let (mut first_fault, mut faults) = (None, 0i64);
        for file in kept.iter() {
            let fault = match file.digest.parse::<Sha256Digest>() {
                // A digest that does not parse names no file that could be there.
                Err(_) => Fault::Missing,
                Ok(digest) => match blobs.check(&digest) {
                    Ok(size) => {
                        bytes += size;
                        continue;
                    }
                    Err(CasError::NotFound(_)) => Fault::Missing,
                    Err(CasError::Damaged { .. }) => Fault::Damaged,
                    Err(error) => return Err(error),
                },
            };
            faults += 1;
            first_fault.get_or_insert((file, fault));
        }
        let summary = match first_fault {
            None => Ok((kept.len(), bytes)),
            Some((file, fault)) => Err(Message::new(match fault {
                Fault::Missing => "cli-verify-file-missing",
                Fault::Damaged => "cli-verify-file-damaged",
            })
            .with("digest", file.digest.clone())
            .with("case", file.case_id.clone())
            .with("seq", file.seq as i64)
            .with("others", faults - 1)),
        };
        Ok(summary)
    })
    .await
    .map_err(evidence_error)?
    .map_err(evidence_error)?;
    match checked {
        Ok((files, bytes)) => {
            println!(
                "{}",
                session.say(
                    &Message::new("cli-verify-files-intact")
                        .with("files", files as i64)
                        .with("bytes", bytes as i64)
                )
            );
            Ok(())
        }
        Err(message) => Err(AppError::Explained {
            message,
            exit_code: exit::FAILED_CHECK,
        }),
    }
}
