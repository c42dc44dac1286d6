//! The content-addressed store: captures and uploads, named by their SHA-256.
//!
//! A blob's name is its digest, so storing the same bytes twice stores them
//! once, and every read can prove it returns what was stored: [`BlobStore::get`]
//! hashes what it read and refuses a blob whose bytes no longer match its name
//! ([`CasError::Damaged`]) — a damaged file is reported, never served.
//!
//! [`FsBlobStore`] lays blobs out as `ROOT/sha256/ab/abcd…` (256 folders by
//! the digest's first byte; see [`FsBlobStore::path_of`]) and writes each
//! one atomically and durably: a temporary file in the same file system, made
//! durable, renamed into place, the rename made durable — and only then does
//! `put` return. Writes running side by side share those syncs (group commit,
//! [`group`]): one sync makes a whole group's files durable, another its
//! renames. A crash leaves either no blob or the whole blob; at worst an
//! orphan temporary file under `ROOT/tmp`, which [`FsBlobStore::open`] clears.
//!
//! The trait is synchronous and small so an object-storage implementation can
//! come later; async callers run it on a blocking thread, or use
//! [`BlobStore::put_async`], which holds no thread while the sync is waited
//! for.

use std::fs;
use std::future::Future;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Sha256Digest;
use crate::digest::DigestWriter;

mod group;

use group::{Answer, GroupCommit, GroupError};

/// Why the store could not answer.
#[derive(Debug, thiserror::Error)]
pub enum CasError {
    #[error("no blob {0}")]
    NotFound(Sha256Digest),
    /// The stored bytes no longer hash to the blob's name.
    #[error("the blob {expected} is damaged: its bytes hash to {actual}")]
    Damaged {
        expected: Sha256Digest,
        actual: Sha256Digest,
    },
    #[error("the blob store at {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

/// What [`BlobStore::put_async`] returns.
pub type PutFuture = Pin<Box<dyn Future<Output = Result<Sha256Digest, CasError>> + Send>>;

/// Where evidence bytes live.
pub trait BlobStore: Send + Sync {
    /// Stores `bytes`; returns their digest. Storing bytes already present is
    /// a no-op (and repairs a damaged copy).
    fn put(&self, bytes: &[u8]) -> Result<Sha256Digest, CasError>;

    /// [`put`](BlobStore::put) for async callers: the same result, without
    /// blocking the runtime and without holding a thread while the write
    /// waits to become durable.
    fn put_async(self: Arc<Self>, bytes: Vec<u8>) -> PutFuture;

    /// Stores a stream without holding it in memory.
    fn put_reader(&self, reader: &mut dyn Read) -> Result<Sha256Digest, CasError>;

    /// The bytes of `digest`, verified against it.
    fn get(&self, digest: &Sha256Digest) -> Result<Vec<u8>, CasError>;

    /// The bytes of `digest` as a stream, for a blob too large to hold in
    /// memory. Verified as it is read: the read that reaches the end reports
    /// a mismatch (`InvalidData`) instead of ending, so whoever read to the
    /// end read the blob they asked for, and whoever stops early must not
    /// act on what they read.
    fn open(&self, digest: &Sha256Digest) -> Result<Box<dyn Read + Send>, CasError>;

    /// Whether a blob with this name exists (without reading it).
    fn exists(&self, digest: &Sha256Digest) -> Result<bool, CasError>;

    /// Reads the blob through without keeping it and confirms it hashes to
    /// its name (an audit: `qorgau verify`): its size if it does,
    /// `NotFound` or `Damaged` if not.
    fn check(&self, digest: &Sha256Digest) -> Result<u64, CasError> {
        let mut reader = self.open(digest)?;
        io::copy(&mut reader, &mut io::sink()).map_err(|error| {
            let kind = error.kind();
            match error.into_inner().map(|inner| inner.downcast::<CasError>()) {
                Some(Ok(cause)) => *cause,
                Some(Err(other)) => CasError::Io {
                    path: digest.to_string(),
                    source: io::Error::new(kind, other),
                },
                None => CasError::Io {
                    path: digest.to_string(),
                    source: kind.into(),
                },
            }
        })
    }
}

/// A derived object (an EXIF-stripped copy, a thumbnail, the text of a page)
/// and the original it was made from. Both are ordinary blobs; this record
/// links them, and the store keeps it beside the case's evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DerivedLink {
    pub original: Sha256Digest,
    pub derived: Sha256Digest,
    pub derivation: Derivation,
    /// The derived object's media type, e.g. `image/jpeg`.
    pub media_type: String,
}

/// How a derived object was made from its original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Derivation {
    /// Metadata (EXIF, GPS position) removed for display to staff.
    MetadataStripped,
    Thumbnail,
    /// A screenshot or DOM snapshot of a captured page.
    Rendering,
}

/// Blobs in a folder. Clones share one group-commit queue.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
    group: Arc<GroupCommit>,
}

const BUFFER_SIZE: usize = 64 * 1024;

/// How many folders under `ROOT/tmp` temporary files are spread over.
const TEMPORARY_FOLDERS: u8 = 16;

/// A temporary file untouched this long was left by a crash: `open` removes
/// it. A live write touches its file within seconds.
const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

impl FsBlobStore {
    /// Opens (creating if needed) the store in `root` and removes temporary
    /// files a crash left (untouched for an hour).
    pub fn open(root: &Path) -> Result<FsBlobStore, CasError> {
        let io_error = |path: &Path, source| CasError::Io {
            path: path.display().to_string(),
            source,
        };
        let temporary = root.join("tmp");
        // Temporary files are spread over 16 folders: creating a file locks
        // its folder while the file system finds a free inode, which on ext4
        // without a journal can mean scanning past recently deleted ones
        // (`recently_deleted`); one shared folder made concurrent writers
        // spin on that lock (14 % of a loaded capture run's samples).
        for spread in 0..TEMPORARY_FOLDERS {
            let folder = temporary.join(format!("{spread:x}"));
            fs::create_dir_all(&folder).map_err(|source| io_error(&folder, source))?;
        }
        let shards = root.join("sha256");
        fs::create_dir_all(&shards).map_err(|source| io_error(root, source))?;
        // All 256 shard folders up front, made durable once: a write then
        // never creates a folder (a new inode, and a parent entry to sync)
        // on its way to disk. A folder removed later is still made again.
        let mut made_any = false;
        for prefix in 0..=255_u8 {
            let folder = shards.join(format!("{prefix:02x}"));
            match fs::create_dir(&folder) {
                Ok(()) => made_any = true,
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => return Err(io_error(&folder, source)),
            }
        }
        if made_any {
            for folder in [&shards, root] {
                fs::File::open(folder)
                    .and_then(|handle| handle.sync_all())
                    .map_err(|source| io_error(folder, source))?;
            }
        }
        let store = FsBlobStore {
            root: root.to_path_buf(),
            group: GroupCommit::for_root(root).map_err(|source| io_error(root, source))?,
        };
        // Leftovers of a crash: files in the spread folders, and directly in
        // `tmp` (stores written before the spread). Only old ones: another
        // process may be writing into the same store right now (a second
        // `serve` on PostgreSQL, a CLI command beside a running server), and
        // a file being written or waiting for its sync is never that old.
        let spread = (0..TEMPORARY_FOLDERS).map(|spread| temporary.join(format!("{spread:x}")));
        for folder in std::iter::once(temporary.clone()).chain(spread) {
            let Ok(entries) = fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let abandoned = entry.metadata().is_ok_and(|metadata| {
                    metadata.is_file()
                        && metadata
                            .modified()
                            .ok()
                            .and_then(|modified| modified.elapsed().ok())
                            .is_some_and(|age| age >= LEFTOVER_AGE)
                });
                if abandoned {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(store)
    }

    /// Opens an existing store only to read it (an audit beside a running
    /// server: `qorgau verify`): creates nothing and clears nothing. A
    /// folder that holds no store is `NotFound`-kind `Io`.
    pub fn open_to_read(root: &Path) -> Result<FsBlobStore, CasError> {
        let shards = root.join("sha256");
        if !shards.is_dir() {
            return Err(CasError::Io {
                path: shards.display().to_string(),
                source: io::ErrorKind::NotFound.into(),
            });
        }
        Ok(FsBlobStore {
            root: root.to_path_buf(),
            group: GroupCommit::for_root(root).map_err(|source| CasError::Io {
                path: root.display().to_string(),
                source,
            })?,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn temporary_folder(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// The temporary files of every spread folder.
    #[cfg(test)]
    fn temporary_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in fs::read_dir(self.temporary_folder())
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                files.extend(
                    fs::read_dir(&path)
                        .into_iter()
                        .flatten()
                        .flatten()
                        .map(|file| file.path()),
                );
            } else {
                files.push(path);
            }
        }
        files
    }

    /// `ROOT/sha256/ab/abcd…`: one level of 256 folders. A store of a few
    /// thousand blobs then has at most 256 folders instead of one new folder
    /// for nearly every blob (a new folder costs an inode, a block and a
    /// synced entry in its parent), and a directory index (ext4's htree)
    /// keeps lookups fast at tens of thousands of files per folder.
    pub fn path_of(&self, digest: &Sha256Digest) -> PathBuf {
        let hex = digest.hex();
        self.root.join("sha256").join(&hex[0..2]).join(hex)
    }

    /// Where stores before the one-level layout kept blobs,
    /// `ROOT/sha256/ab/cd/abcd…`; still read, never written.
    fn legacy_path_of(&self, digest: &Sha256Digest) -> PathBuf {
        let hex = digest.hex();
        self.root
            .join("sha256")
            .join(&hex[0..2])
            .join(&hex[2..4])
            .join(hex)
    }

    fn io_error(&self, path: &Path, source: io::Error) -> CasError {
        CasError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    fn new_temporary_file(&self) -> Result<(PathBuf, fs::File), CasError> {
        let folder = self.temporary_folder();
        loop {
            let mut suffix = [0u8; 12];
            getrandom::fill(&mut suffix)
                .map_err(|error| self.io_error(&folder, io::Error::other(error.to_string())))?;
            let spread = suffix[0] % TEMPORARY_FOLDERS;
            let path = folder
                .join(format!("{spread:x}"))
                .join(format!("{}.part", hex::encode(suffix)));
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => return Ok((path, file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(self.io_error(&path, error)),
            }
        }
    }

    /// Queues a complete (not yet synced) temporary file to be made durable
    /// under `digest` with the next sync group; the answer says when it is.
    /// An intact copy already there is kept and the temporary file dropped
    /// (dedup); a damaged one is replaced by the good bytes just written.
    fn commit(&self, temporary: PathBuf, digest: &Sha256Digest) -> Arc<Answer> {
        self.group.enqueue(temporary, self.path_of(digest), *digest)
    }

    /// The first half of a `put`: the bytes written to a temporary file and
    /// queued for the next sync group, or already durably stored. Blocking
    /// file work; the second half is waiting for the answer.
    fn stage(&self, bytes: &[u8]) -> Result<Staging, CasError> {
        let digest = Sha256Digest::of(bytes);
        if self.durably_present(&digest) {
            return Ok(Staging {
                digest,
                answer: None,
            });
        }
        let (temporary, mut file) = self.new_temporary_file()?;
        // No fsync here: the group's sync makes the bytes durable.
        let written = file.write_all(bytes);
        drop(file);
        if let Err(source) = written {
            let _ = fs::remove_file(&temporary);
            return Err(self.io_error(&temporary, source));
        }
        Ok(Staging {
            digest,
            answer: Some(self.commit(temporary, &digest)),
        })
    }

    /// Whether an intact, durable copy of `digest` is already stored.
    fn durably_present(&self, digest: &Sha256Digest) -> bool {
        let path = self.path_of(digest);
        loop {
            if !file_matches(&path, digest) {
                // A blob of the old layout was made durable when written.
                return file_matches(&self.legacy_path_of(digest), digest);
            }
            // A copy a group is still syncing is not durable yet: wait for
            // that group, then look again (it may have failed and gone).
            if self.group.settled(digest) {
                return true;
            }
        }
    }

    fn verify_file(&self, path: &Path, digest: &Sha256Digest) -> Result<Vec<u8>, CasError> {
        let bytes = fs::read(path).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                CasError::NotFound(*digest)
            } else {
                self.io_error(path, source)
            }
        })?;
        let actual = Sha256Digest::of(&bytes);
        if actual != *digest {
            return Err(CasError::Damaged {
                expected: *digest,
                actual,
            });
        }
        Ok(bytes)
    }
}

/// A blob written and queued for its sync group (or found already stored).
struct Staging {
    digest: Sha256Digest,
    answer: Option<Arc<Answer>>,
}

impl Staging {
    /// Blocks until the blob is durable.
    fn wait(self) -> Result<Sha256Digest, CasError> {
        match self.answer {
            None => Ok(self.digest),
            Some(answer) => answer.wait().map(|()| self.digest).map_err(group_error),
        }
    }

    /// Awaits the blob being durable, holding no thread.
    async fn outcome(self) -> Result<Sha256Digest, CasError> {
        match self.answer {
            None => Ok(self.digest),
            Some(answer) => answer
                .outcome()
                .await
                .map(|()| self.digest)
                .map_err(group_error),
        }
    }
}

fn group_error(GroupError { path, source }: GroupError) -> CasError {
    CasError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A blob's file, hashed as it is read; the end is reported only if the
/// bytes read hash to the blob's name.
struct VerifyingReader {
    file: fs::File,
    hasher: DigestWriter,
    expected: Sha256Digest,
}

impl Read for VerifyingReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let count = self.file.read(buffer)?;
        if count > 0 {
            self.hasher.update(&buffer[..count]);
            return Ok(count);
        }
        if buffer.is_empty() {
            return Ok(0);
        }
        let actual = self.hasher.clone().finish();
        if actual == self.expected {
            Ok(0)
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                CasError::Damaged {
                    expected: self.expected,
                    actual,
                },
            ))
        }
    }
}

/// Whether the file at `path` exists and hashes to `digest`.
fn file_matches(path: &Path, digest: &Sha256Digest) -> bool {
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut hasher = DigestWriter::new();
    let mut buffer = vec![0u8; BUFFER_SIZE];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return hasher.finish() == *digest,
            Ok(count) => hasher.update(&buffer[..count]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

impl BlobStore for FsBlobStore {
    fn put(&self, bytes: &[u8]) -> Result<Sha256Digest, CasError> {
        self.stage(bytes)?.wait()
    }

    fn put_async(self: Arc<Self>, bytes: Vec<u8>) -> PutFuture {
        Box::pin(async move {
            let staging = tokio::task::spawn_blocking(move || self.stage(&bytes))
                .await
                .map_err(|error| CasError::Io {
                    path: "(a blob being written)".to_owned(),
                    source: io::Error::other(error.to_string()),
                })??;
            staging.outcome().await
        })
    }

    fn put_reader(&self, reader: &mut dyn Read) -> Result<Sha256Digest, CasError> {
        let (temporary, mut file) = self.new_temporary_file()?;
        let mut hasher = DigestWriter::new();
        let mut buffer = vec![0u8; BUFFER_SIZE];
        let copied: io::Result<()> = (|| {
            loop {
                let count = match reader.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(count) => count,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                    Err(error) => return Err(error),
                };
                hasher.update(&buffer[..count]);
                file.write_all(&buffer[..count])?;
            }
            Ok(())
        })();
        drop(file);
        if let Err(source) = copied {
            let _ = fs::remove_file(&temporary);
            return Err(self.io_error(&temporary, source));
        }
        let digest = hasher.finish();
        Staging {
            digest,
            answer: Some(self.commit(temporary, &digest)),
        }
        .wait()
    }

    fn get(&self, digest: &Sha256Digest) -> Result<Vec<u8>, CasError> {
        match self.verify_file(&self.path_of(digest), digest) {
            Err(CasError::NotFound(_)) => self.verify_file(&self.legacy_path_of(digest), digest),
            other => other,
        }
    }

    fn open(&self, digest: &Sha256Digest) -> Result<Box<dyn Read + Send>, CasError> {
        for path in [self.path_of(digest), self.legacy_path_of(digest)] {
            match fs::File::open(&path) {
                Ok(file) => {
                    return Ok(Box::new(VerifyingReader {
                        file,
                        hasher: DigestWriter::new(),
                        expected: *digest,
                    }));
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(self.io_error(&path, error)),
            }
        }
        Err(CasError::NotFound(*digest))
    }

    fn exists(&self, digest: &Sha256Digest) -> Result<bool, CasError> {
        for path in [self.path_of(digest), self.legacy_path_of(digest)] {
            match fs::metadata(&path) {
                Ok(metadata) if metadata.is_file() => return Ok(true),
                Ok(_) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(self.io_error(&path, error)),
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, FsBlobStore) {
        let folder = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open(folder.path()).unwrap();
        (folder, store)
    }

    #[test]
    fn an_opened_blob_streams_its_bytes_and_a_damaged_one_fails_at_the_end() {
        let (_folder, store) = store();
        let bytes: Vec<u8> = (0..200_000u32).flat_map(|n| n.to_le_bytes()).collect();
        let digest = store.put(&bytes).unwrap();
        let mut read = Vec::new();
        store.open(&digest).unwrap().read_to_end(&mut read).unwrap();
        assert_eq!(read, bytes);
        // One byte changed on disk: everything is read, then refused.
        let mut damaged = bytes.clone();
        damaged[100_000] ^= 1;
        fs::write(store.path_of(&digest), &damaged).unwrap();
        let mut read = Vec::new();
        let error = store
            .open(&digest)
            .unwrap()
            .read_to_end(&mut read)
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(matches!(
            store.open(&Sha256Digest::of(b"absent")),
            Err(CasError::NotFound(_))
        ));
    }

    #[test]
    fn bytes_come_back_under_their_digest() {
        let (_folder, store) = store();
        let digest = store.put(b"evidence").unwrap();
        assert_eq!(digest, Sha256Digest::of(b"evidence"));
        assert!(store.exists(&digest).unwrap());
        assert_eq!(store.get(&digest).unwrap(), b"evidence");
        let path = store.path_of(&digest);
        let hex = digest.hex();
        assert!(path.ends_with(format!("sha256/{}/{hex}", &hex[..2])));
        assert_eq!(fs::read(&path).unwrap(), b"evidence");
    }

    #[test]
    fn blobs_of_the_two_level_layout_are_still_read_and_not_stored_again() {
        let (folder, store) = store();
        let bytes = b"stored before the one-level layout".to_vec();
        let digest = Sha256Digest::of(&bytes);
        let old = store.legacy_path_of(&digest);
        let hex = digest.hex();
        assert!(old.ends_with(format!("sha256/{}/{}/{hex}", &hex[..2], &hex[2..4])));
        fs::create_dir_all(old.parent().unwrap()).unwrap();
        fs::write(&old, &bytes).unwrap();
        assert!(store.exists(&digest).unwrap());
        assert_eq!(store.get(&digest).unwrap(), bytes);
        assert_eq!(store.put(&bytes).unwrap(), digest);
        assert!(!store.path_of(&digest).exists());
        assert_eq!(walk(folder.path()).len(), 1);
        // Damage is reported there too, and a new put stores a good copy.
        fs::write(&old, b"stored before").unwrap();
        assert!(matches!(store.get(&digest), Err(CasError::Damaged { .. })));
        store.put(&bytes).unwrap();
        assert_eq!(fs::read(store.path_of(&digest)).unwrap(), bytes);
    }

    #[test]
    fn streams_and_duplicates_are_stored_once() {
        let (folder, store) = store();
        let big: Vec<u8> = (0..300_000u32).map(|number| (number % 251) as u8).collect();
        let first = store.put_reader(&mut big.as_slice()).unwrap();
        let second = store.put(&big).unwrap();
        let third = store.put_reader(&mut big.as_slice()).unwrap();
        assert_eq!(first, Sha256Digest::of(&big));
        assert_eq!(first, second);
        assert_eq!(first, third);
        assert_eq!(store.get(&first).unwrap(), big);
        let files = walk(folder.path());
        assert_eq!(files.len(), 1, "{files:?}");
    }

    #[test]
    fn a_damaged_blob_is_reported_not_returned_and_a_new_put_repairs_it() {
        let (_folder, store) = store();
        let digest = store.put(b"the original bytes").unwrap();
        let path = store.path_of(&digest);
        let mut bytes = fs::read(&path).unwrap();
        bytes[3] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        match store.get(&digest) {
            Err(CasError::Damaged { expected, actual }) => {
                assert_eq!(expected, digest);
                assert_eq!(actual, Sha256Digest::of(&bytes));
            }
            other => panic!("expected Damaged, got {other:?}"),
        }
        // Truncation is damage too.
        fs::write(&path, b"the orig").unwrap();
        assert!(matches!(store.get(&digest), Err(CasError::Damaged { .. })));
        // Uploading the same bytes again heals the store.
        store.put(b"the original bytes").unwrap();
        assert_eq!(store.get(&digest).unwrap(), b"the original bytes");
    }

    #[test]
    fn a_missing_blob_is_not_found() {
        let (_folder, store) = store();
        let digest = Sha256Digest::of(b"never stored");
        assert!(!store.exists(&digest).unwrap());
        assert!(matches!(store.get(&digest), Err(CasError::NotFound(_))));
        assert!(matches!(store.check(&digest), Err(CasError::NotFound(_))));
    }

    #[test]
    fn a_check_reads_a_blob_through_and_names_damage() {
        let (_folder, store) = store();
        let bytes: Vec<u8> = (0..100_000u32).map(|n| (n % 241) as u8).collect();
        let digest = store.put(&bytes).unwrap();
        assert_eq!(store.check(&digest).unwrap(), bytes.len() as u64);
        let mut damaged = bytes.clone();
        damaged[99_999] ^= 1;
        fs::write(store.path_of(&digest), &damaged).unwrap();
        match store.check(&digest) {
            Err(CasError::Damaged { expected, actual }) => {
                assert_eq!(expected, digest);
                assert_eq!(actual, Sha256Digest::of(&damaged));
            }
            other => panic!("expected Damaged, got {other:?}"),
        }
    }

    /// Sets a file's modification time two hours back from its own, as if a
    /// crash had left it that long ago.
    fn set_back(path: &Path) {
        let file = fs::File::options().write(true).open(path).unwrap();
        let written = file.metadata().unwrap().modified().unwrap();
        file.set_modified(written - std::time::Duration::from_secs(2 * 60 * 60))
            .unwrap();
    }

    /// Writes a temporary file as a crash two hours ago would have left it.
    fn leave_abandoned(path: &Path) {
        fs::write(path, b"half").unwrap();
        set_back(path);
    }

    #[test]
    fn leftover_temporary_files_are_cleared_on_open_but_not_live_ones() {
        let folder = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open(folder.path()).unwrap();
        // Left by a crash: in a spread folder, and where stores before the
        // spread left them.
        leave_abandoned(&store.temporary_folder().join("crashed.part"));
        leave_abandoned(&store.temporary_folder().join("7").join("crashed.part"));
        // Being written by another process using the same store.
        let live = store.temporary_folder().join("3").join("live.part");
        fs::write(&live, b"half").unwrap();
        assert_eq!(store.temporary_files().len(), 3);
        let store = FsBlobStore::open(folder.path()).unwrap();
        assert_eq!(store.temporary_files(), vec![live]);
    }

    #[test]
    fn opening_to_read_creates_and_clears_nothing() {
        let folder = tempfile::tempdir().unwrap();
        let absent = folder.path().join("blobs");
        assert!(matches!(
            FsBlobStore::open_to_read(&absent),
            Err(CasError::Io { ref source, .. }) if source.kind() == io::ErrorKind::NotFound
        ));
        assert!(!absent.exists());
        let store = FsBlobStore::open(&absent).unwrap();
        let digest = store.put(b"kept").unwrap();
        let leftover = store.temporary_folder().join("0").join("crashed.part");
        leave_abandoned(&leftover);
        let reader = FsBlobStore::open_to_read(&absent).unwrap();
        assert_eq!(reader.check(&digest).unwrap(), 4);
        assert!(leftover.exists());
    }

    #[test]
    fn derived_links_serialize_plainly() {
        let link = DerivedLink {
            original: Sha256Digest::of(b"photo with GPS"),
            derived: Sha256Digest::of(b"photo"),
            derivation: Derivation::MetadataStripped,
            media_type: "image/jpeg".to_owned(),
        };
        let json = serde_json::to_string(&link).unwrap();
        assert!(json.contains("\"derivation\":\"metadata_stripped\""));
        assert_eq!(serde_json::from_str::<DerivedLink>(&json).unwrap(), link);
    }

    /// Distinct contents for the concurrency tests.
    fn page(number: usize) -> Vec<u8> {
        format!("<html>page {number}</html>")
            .repeat(1 + number % 7)
            .into_bytes()
    }

    fn temporary_files(store: &FsBlobStore) -> usize {
        store.temporary_files().len()
    }

    /// Holds the committer between cycles, so that the writers started
    /// meanwhile all gather in the next group.
    fn hold_the_queue(store: &FsBlobStore) {
        store.group.lock().held = true;
    }

    fn wait_for_queue(store: &FsBlobStore, length: usize) {
        let started = std::time::Instant::now();
        while store.group.lock().queue.len() < length {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "only {} writers queued",
                store.group.lock().queue.len()
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    fn release_the_queue(store: &FsBlobStore) {
        store.group.release();
    }

    fn copy_tree(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap().flatten() {
            let path = entry.path();
            let target = to.join(entry.file_name());
            if path.is_dir() {
                copy_tree(&path, &target);
            } else {
                fs::copy(&path, &target).unwrap();
            }
        }
    }

    #[test]
    fn concurrent_puts_all_land_and_read_back_verified() {
        let (folder, store) = store();
        let writers = 48;
        let barrier = std::sync::Barrier::new(writers);
        let digests: Vec<Sha256Digest> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..writers)
                .map(|number| {
                    let (store, barrier) = (&store, &barrier);
                    scope.spawn(move || {
                        let bytes = page(number);
                        barrier.wait();
                        if number % 2 == 0 {
                            store.put(&bytes).unwrap()
                        } else {
                            store.put_reader(&mut bytes.as_slice()).unwrap()
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().unwrap())
                .collect()
        });
        for (number, digest) in digests.iter().enumerate() {
            assert_eq!(*digest, Sha256Digest::of(&page(number)));
            assert_eq!(store.get(digest).unwrap(), page(number));
        }
        assert_eq!(temporary_files(&store), 0);
        assert_eq!(walk(&folder.path().join("sha256")).len(), writers);
        let groups = store.group.lock().groups;
        assert!((1..=writers as u64).contains(&groups), "{groups} groups");
        assert!(store.group.lock().in_flight.is_empty());
    }

    #[test]
    fn async_writers_wait_for_their_group_without_a_thread_each_and_land_together() {
        let (_folder, store) = store();
        let store = Arc::new(store);
        let writers = 8;
        // Fewer blocking threads than writers: a writer waiting for its sync
        // must not hold one, or the last writers could not even be staged.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(2)
            .build()
            .unwrap();
        hold_the_queue(&store);
        let tasks: Vec<_> = (0..writers)
            .map(|number| {
                let store: Arc<dyn BlobStore> = store.clone();
                runtime.spawn(store.put_async(page(number)))
            })
            .collect();
        // Not `wait_for_queue`: if writers held threads, the queue would stop
        // short, and a panic with the queue held would wait for them for ever.
        let started = std::time::Instant::now();
        while store.group.lock().queue.len() < writers
            && started.elapsed() < std::time::Duration::from_secs(10)
        {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let queued = store.group.lock().queue.len();
        let finished_early = tasks.iter().filter(|task| task.is_finished()).count();
        let named_early = (0..writers)
            .filter(|number| store.exists(&Sha256Digest::of(&page(*number))).unwrap())
            .count();
        release_the_queue(&store);
        assert_eq!(queued, writers, "writers staged while the group was held");
        assert_eq!(finished_early, 0, "a put_async finished before its sync");
        assert_eq!(named_early, 0, "a blob was named before its sync");
        for (number, task) in tasks.into_iter().enumerate() {
            let digest = runtime.block_on(task).unwrap().unwrap();
            assert_eq!(digest, Sha256Digest::of(&page(number)));
            assert_eq!(store.get(&digest).unwrap(), page(number));
        }
        assert_eq!(temporary_files(&store), 0);
        assert_eq!(store.group.lock().groups, 2);
    }

    #[test]
    fn a_group_shares_one_sync_and_names_appear_only_once_it_is_durable() {
        let (folder, store) = store();
        let writers = 8;
        hold_the_queue(&store);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..writers)
                .map(|number| {
                    let store = &store;
                    scope.spawn(move || store.put(&page(number)))
                })
                .collect();
            wait_for_queue(&store, writers);
            // Written but not yet synced: nothing under a final name, every
            // byte still in a temporary file. A crash now (a copy of the
            // folder, opened afresh an hour on) finds no blob and no
            // leftovers. Checked before asserting, so a failure releases
            // the writers instead of leaving them waiting.
            let named_early = (0..writers)
                .filter(|&number| store.exists(&Sha256Digest::of(&page(number))).unwrap())
                .count();
            let written = temporary_files(&store);
            let crashed = tempfile::tempdir().unwrap();
            copy_tree(folder.path(), crashed.path());
            for file in walk(&crashed.path().join("tmp")) {
                set_back(&file);
            }
            let restarted = FsBlobStore::open(crashed.path()).unwrap();
            let left_over = temporary_files(&restarted);
            let restarted_blobs = walk(&crashed.path().join("sha256")).len();
            let returned_early = handles.iter().filter(|handle| handle.is_finished()).count();
            release_the_queue(&store);
            assert_eq!(named_early, 0);
            assert_eq!(written, writers);
            assert_eq!(left_over, 0);
            assert_eq!(restarted_blobs, 0);
            assert_eq!(returned_early, 0, "a put returned before its sync");
            for handle in handles {
                handle.join().unwrap().unwrap();
            }
        });
        for number in 0..writers {
            assert_eq!(
                store.get(&Sha256Digest::of(&page(number))).unwrap(),
                page(number)
            );
        }
        assert_eq!(temporary_files(&store), 0);
        // All eight shared two syncs: one for their bytes, one for their
        // names.
        assert_eq!(store.group.lock().groups, 2);
    }

    #[test]
    fn the_same_bytes_stored_concurrently_are_stored_once() {
        let (folder, store) = store();
        let shared: Vec<u8> = (0..50_000u32).map(|number| (number % 241) as u8).collect();
        let writers = 32;
        let barrier = std::sync::Barrier::new(writers);
        let digests: Vec<Sha256Digest> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..writers)
                .map(|number| {
                    let (store, barrier, shared) = (&store, &barrier, &shared);
                    scope.spawn(move || {
                        barrier.wait();
                        match number % 4 {
                            0 => store.put(shared).unwrap(),
                            1 => store.put_reader(&mut shared.as_slice()).unwrap(),
                            _ => store.put(&page(number)).unwrap(),
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|handle| handle.join().unwrap())
                .collect()
        });
        let digest = Sha256Digest::of(&shared);
        for (number, stored) in digests.iter().enumerate() {
            if number % 4 < 2 {
                assert_eq!(*stored, digest);
            }
        }
        assert_eq!(store.get(&digest).unwrap(), shared);
        // One file for the shared bytes and one per distinct page.
        let distinct = (0..writers).filter(|number| number % 4 >= 2).count();
        assert_eq!(walk(&folder.path().join("sha256")).len(), 1 + distinct);
        assert_eq!(temporary_files(&store), 0);
    }

    #[test]
    fn one_failing_writer_does_not_lose_the_others_in_its_group() {
        let (folder, store) = store();
        let blocked = b"this blob's shard folder is a file".to_vec();
        let blocked_digest = Sha256Digest::of(&blocked);
        let prefix = blocked_digest.hex()[..2].to_owned();
        // A regular file where the blob's first-level folder should be: its
        // rename fails, inside the same group as the good writes. (`open`
        // made the folder; an operator removed it and left a file.)
        fs::remove_dir(folder.path().join("sha256").join(&prefix)).unwrap();
        fs::write(folder.path().join("sha256").join(&prefix), b"in the way").unwrap();
        let good: Vec<Vec<u8>> = (0..40)
            .map(page)
            .filter(|bytes| Sha256Digest::of(bytes).hex()[..2] != prefix)
            .take(6)
            .collect();
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("the upload broke off"))
            }
        }
        hold_the_queue(&store);
        std::thread::scope(|scope| {
            let good_handles: Vec<_> = good
                .iter()
                .map(|bytes| {
                    let store = &store;
                    scope.spawn(move || store.put(bytes))
                })
                .collect();
            let blocked_handle = scope.spawn(|| store.put(&blocked));
            // A stream that fails while being written never joins a group.
            assert!(matches!(
                store.put_reader(&mut Broken),
                Err(CasError::Io { .. })
            ));
            wait_for_queue(&store, good.len() + 1);
            release_the_queue(&store);
            match blocked_handle.join().unwrap() {
                Err(CasError::Io { path, .. }) => assert!(path.contains(&prefix), "{path}"),
                other => panic!("expected an I/O error, got {other:?}"),
            }
            for handle in good_handles {
                handle.join().unwrap().unwrap();
            }
        });
        for bytes in &good {
            assert_eq!(&store.get(&Sha256Digest::of(bytes)).unwrap(), bytes);
        }
        assert!(!store.path_of(&blocked_digest).exists());
        assert_eq!(temporary_files(&store), 0);
        assert_eq!(store.group.lock().groups, 2);
        assert!(store.group.lock().in_flight.is_empty());
        // The store keeps working once the obstacle is gone.
        fs::remove_file(folder.path().join("sha256").join(&prefix)).unwrap();
        assert_eq!(store.put(&blocked).unwrap(), blocked_digest);
        assert_eq!(store.get(&blocked_digest).unwrap(), blocked);
    }

    fn walk(folder: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for entry in fs::read_dir(folder).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.extend(walk(&path));
            } else {
                files.push(path);
            }
        }
        files
    }
}
