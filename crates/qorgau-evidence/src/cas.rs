//! The content-addressed store: captures and uploads, named by their SHA-256.
//!
//! A blob's name is its digest, so storing the same bytes twice stores them
//! once, and every read can prove it returns what was stored: [`BlobStore::get`]
//! hashes what it read and refuses a blob whose bytes no longer match its name
//! ([`CasError::Damaged`]) — a damaged file is reported, never served.
//!
//! [`FsBlobStore`] lays blobs out as `ROOT/sha256/ab/cd/abcd…` (two levels of
//! 256-way sharding keep folders small at millions of files) and writes each
//! one atomically: a temporary file in the same file system, `fsync`, `rename`,
//! `fsync` of the folder. A crash leaves either no blob or the whole blob; at
//! worst an orphan temporary file under `ROOT/tmp`, which [`FsBlobStore::open`]
//! clears.
//!
//! The trait is synchronous and small so an object-storage implementation can
//! come later; async callers run it on a blocking thread.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Sha256Digest;
use crate::digest::DigestWriter;

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

/// Where evidence bytes live.
pub trait BlobStore: Send + Sync {
    /// Stores `bytes`; returns their digest. Storing bytes already present is
    /// a no-op (and repairs a damaged copy).
    fn put(&self, bytes: &[u8]) -> Result<Sha256Digest, CasError>;

    /// Stores a stream without holding it in memory.
    fn put_reader(&self, reader: &mut dyn Read) -> Result<Sha256Digest, CasError>;

    /// The bytes of `digest`, verified against it.
    fn get(&self, digest: &Sha256Digest) -> Result<Vec<u8>, CasError>;

    /// Whether a blob with this name exists (without reading it).
    fn exists(&self, digest: &Sha256Digest) -> Result<bool, CasError>;
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

/// Blobs in a folder.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
}

const BUFFER_SIZE: usize = 64 * 1024;

impl FsBlobStore {
    /// Opens (creating if needed) the store in `root` and removes temporary
    /// files a crash may have left.
    pub fn open(root: &Path) -> Result<FsBlobStore, CasError> {
        let store = FsBlobStore {
            root: root.to_path_buf(),
        };
        let temporary = store.temporary_folder();
        fs::create_dir_all(&temporary).map_err(|source| store.io_error(&temporary, source))?;
        fs::create_dir_all(root.join("sha256")).map_err(|source| store.io_error(root, source))?;
        if let Ok(entries) = fs::read_dir(&temporary) {
            for entry in entries.flatten() {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn temporary_folder(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// `ROOT/sha256/ab/cd/abcd…`.
    pub fn path_of(&self, digest: &Sha256Digest) -> PathBuf {
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
            let path = folder.join(format!("{}.part", hex::encode(suffix)));
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

    /// Moves a complete, synced temporary file into place under `digest`.
    fn commit(&self, temporary: &Path, digest: &Sha256Digest) -> Result<(), CasError> {
        let target = self.path_of(digest);
        // Deduplicate: an intact copy is already there. A damaged one is
        // replaced by the good bytes we just wrote.
        if target.exists() && self.verify_file(&target, digest).is_ok() {
            let _ = fs::remove_file(temporary);
            return Ok(());
        }
        let folder = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        fs::create_dir_all(&folder).map_err(|source| self.io_error(&folder, source))?;
        fs::rename(temporary, &target).map_err(|source| self.io_error(&target, source))?;
        // The rename is durable only once the folder's entry is on disk.
        sync_folder(&folder).map_err(|source| self.io_error(&folder, source))?;
        Ok(())
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

fn sync_folder(folder: &Path) -> io::Result<()> {
    fs::File::open(folder)?.sync_all()
}

impl BlobStore for FsBlobStore {
    fn put(&self, bytes: &[u8]) -> Result<Sha256Digest, CasError> {
        let digest = Sha256Digest::of(bytes);
        if self.verify_file(&self.path_of(&digest), &digest).is_ok() {
            return Ok(digest);
        }
        let (temporary, mut file) = self.new_temporary_file()?;
        let written = file.write_all(bytes).and_then(|()| file.sync_all());
        drop(file);
        if let Err(source) = written {
            let _ = fs::remove_file(&temporary);
            return Err(self.io_error(&temporary, source));
        }
        self.commit(&temporary, &digest).inspect_err(|_| {
            let _ = fs::remove_file(&temporary);
        })?;
        Ok(digest)
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
            file.sync_all()
        })();
        drop(file);
        if let Err(source) = copied {
            let _ = fs::remove_file(&temporary);
            return Err(self.io_error(&temporary, source));
        }
        let digest = hasher.finish();
        self.commit(&temporary, &digest).inspect_err(|_| {
            let _ = fs::remove_file(&temporary);
        })?;
        Ok(digest)
    }

    fn get(&self, digest: &Sha256Digest) -> Result<Vec<u8>, CasError> {
        self.verify_file(&self.path_of(digest), digest)
    }

    fn exists(&self, digest: &Sha256Digest) -> Result<bool, CasError> {
        let path = self.path_of(digest);
        match fs::metadata(&path) {
            Ok(metadata) => Ok(metadata.is_file()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(self.io_error(&path, error)),
        }
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
    fn bytes_come_back_under_their_digest() {
        let (_folder, store) = store();
        let digest = store.put(b"evidence").unwrap();
        assert_eq!(digest, Sha256Digest::of(b"evidence"));
        assert!(store.exists(&digest).unwrap());
        assert_eq!(store.get(&digest).unwrap(), b"evidence");
        let path = store.path_of(&digest);
        let hex = digest.hex();
        assert!(path.ends_with(format!("sha256/{}/{}/{hex}", &hex[..2], &hex[2..4])));
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
    }

    #[test]
    fn leftover_temporary_files_are_cleared_on_open() {
        let folder = tempfile::tempdir().unwrap();
        let store = FsBlobStore::open(folder.path()).unwrap();
        fs::write(store.temporary_folder().join("crashed.part"), b"half").unwrap();
        let store = FsBlobStore::open(folder.path()).unwrap();
        assert_eq!(fs::read_dir(store.temporary_folder()).unwrap().count(), 0);
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
