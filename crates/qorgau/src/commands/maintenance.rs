//! Operators' commands over a whole store: `migrate`, `export`, `import`.
//! The archive format is `qorgau_store::archive` (docs/operations.md).

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};

use qorgau_domain::message::Message;
use qorgau_store::archive::{self, ArchiveError, ArchiveSummary};
use qorgau_store::{AnyStore, Store};

use super::hex_head;
use crate::Session;
use crate::error::{AppError, exit};

/// `-` as a file name: standard input or output, for pipes (`| gzip`).
const STANDARD_STREAM: &str = "-";

fn file_error(path: &Path, error: &std::io::Error) -> AppError {
    AppError::bad_input(
        Message::new("store-file-error")
            .with("path", path.display().to_string())
            .with("detail", error.to_string()),
    )
}

/// An archive problem, for the reader: which file, which line, what to do.
fn archive_error(path: &Path, store: &AnyStore, error: ArchiveError) -> AppError {
    match error {
        ArchiveError::Io(error) => file_error(path, &error),
        ArchiveError::Format { line, detail } => AppError::bad_input(
            Message::new("store-archive-invalid")
                .with("path", path.display().to_string())
                .with("line", line as i64)
                .with("detail", detail),
        ),
        ArchiveError::NotEmpty => AppError::bad_input(
            Message::new("store-import-not-empty").with("store", store.describe()),
        ),
        ArchiveError::Broken(broken) => AppError::Explained {
            message: Message::new("store-archive-broken")
                .with("seq", broken.seq as i64)
                .with("fault", format!("{:?}", broken.fault)),
            exit_code: exit::FAILED_CHECK,
        },
        ArchiveError::Store(error) => error.into(),
    }
}

fn summary_message(id: &'static str, summary: &ArchiveSummary) -> Message {
    Message::new(id)
        .with("events", summary.events as i64)
        .with("cases", summary.cases as i64)
        .with("staff", summary.staff as i64)
        .with("owners", summary.owners as i64)
        .with("head", hex_head(&summary.head))
}

/// `qorgau migrate`: applies the migrations the store lacks and says which.
pub async fn migrate(session: &Session) -> Result<u8, AppError> {
    let applied = AnyStore::migrate(&session.store_location).await?;
    // Opening afterwards proves the schema is now the one this build knows.
    let store = session.open_store().await?;
    let message = if applied.is_empty() {
        Message::new("store-migrations-current").with("store", store.describe())
    } else {
        let names: Vec<String> = applied.iter().map(ToString::to_string).collect();
        Message::new("store-migrated")
            .with("store", store.describe())
            .with("count", applied.len() as i64)
            .with("migrations", names.join(", "))
    };
    store.close().await;
    println!("{}", session.say(&message));
    Ok(exit::OK)
}

/// `qorgau export FILE`: the whole store as an archive. Never overwrites a
/// file; a failed export removes what it had written.
pub async fn export(session: &Session, path: PathBuf) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    let now = session.clock.now();
    if path.as_os_str() == STANDARD_STREAM {
        let mut out = BufWriter::new(std::io::stdout().lock());
        let summary = archive::export(&store, now, &mut out)
            .await
            .map_err(|error| archive_error(&path, &store, error))?;
        drop(out);
        store.close().await;
        eprintln!(
            "{}",
            session.say(&summary_message("store-exported", &summary).with("path", "-"))
        );
        return Ok(exit::OK);
    }
    let file = File::create_new(&path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists {
            AppError::bad_input(
                Message::new("store-export-exists").with("path", path.display().to_string()),
            )
        } else {
            file_error(&path, &error)
        }
    })?;
    let mut out = BufWriter::new(file);
    let result = archive::export(&store, now, &mut out).await;
    let finished = result.and_then(|summary| {
        // On disk before we say so.
        let file = out.into_inner().map_err(|error| error.into_error())?;
        file.sync_all()?;
        Ok(summary)
    });
    store.close().await;
    match finished {
        Ok(summary) => {
            println!(
                "{}",
                session.say(
                    &summary_message("store-exported", &summary)
                        .with("path", path.display().to_string())
                )
            );
            Ok(exit::OK)
        }
        Err(error) => {
            // Best effort: the partial file has no end line, so it could never
            // be imported, but it should not lie around looking like a backup.
            let _ = std::fs::remove_file(&path);
            Err(archive_error(&path, &store, error))
        }
    }
}

/// `qorgau import FILE`: loads an archive into an empty store (`init` or
/// `migrate` it first), verifying the chain as it goes.
pub async fn import(session: &Session, path: PathBuf) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    let result = if path.as_os_str() == STANDARD_STREAM {
        archive::import(&store, BufReader::new(std::io::stdin())).await
    } else {
        let file = File::open(&path).map_err(|error| file_error(&path, &error))?;
        archive::import(&store, BufReader::new(file)).await
    };
    let summary = match result {
        Ok(summary) => summary,
        Err(error) => {
            store.close().await;
            return Err(archive_error(&path, &store, error));
        }
    };
    // The loaded record, checked the way an auditor would: hashes and folds.
    let verified = store.verify().await;
    store.close().await;
    verified?;
    println!(
        "{}",
        session.say(&summary_message("store-imported", &summary).with("store", store.describe()))
    );
    Ok(exit::OK)
}
