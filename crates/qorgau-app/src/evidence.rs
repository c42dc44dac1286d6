//! Evidence as the running service holds it: the blob store, and the
//! transparency log with its signing key.
//!
//! The log's leaves live in the store (`log_leaves`, written in the same
//! transaction as the record entries they mirror). `EvidenceLog` keeps the
//! Merkle tree in memory — a `MemoryLeafStore` rebuilt from those leaves on
//! first use and caught up before every answer, so several instances sharing
//! one PostgreSQL database all serve the same log — and signs checkpoints
//! and receipts with the log key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use qorgau_domain::procedure::{EvidenceRecord, StrippedCopy};
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::capture::PageFingerprint;
use qorgau_evidence::cas::{BlobStore, CasError, Derivation, DerivedLink, FsBlobStore};
use qorgau_evidence::checkpoint::{
    Checkpoint, KeyError, KeyPair, SignedCheckpoint, VerifierKey, verify_checkpoint,
};
use qorgau_evidence::merkle::{Hash, LogError, MemoryLeafStore, MerkleLog, MissingNode, leaf_hash};
use qorgau_evidence::receipt::{IssueError, Receipt};
use qorgau_evidence::strip::{StripError, Stripped, strip_metadata};
use qorgau_store::{LOG_PAGE, Store, StoreError, StoredCheckpoint};

/// The log key's file in an embedded store's data folder.
pub const LOG_KEY_FILE: &str = "log.key";
/// The blob store's folder in an embedded store's data folder.
pub const BLOBS_FOLDER: &str = "blobs";
/// The log's name when no public address is configured.
pub const DEFAULT_ORIGIN: &str = "qorgau.local/log";

/// Why evidence could not be stored, logged or served.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The blob store failed, or a blob is damaged (never served then).
    #[error(transparent)]
    Blob(#[from] CasError),
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The stored log is not what its leaves say (a leaf hash that is not
    /// its entry's): `qorgau verify` tells more.
    #[error("the transparency log is inconsistent: {0}")]
    Log(String),
    /// The item has no leaf in the log (yet).
    #[error("leaf {0} is not an evidence item of the log")]
    NotLogged(u64),
}

impl From<LogError<MissingNode>> for EvidenceError {
    fn from(error: LogError<MissingNode>) -> Self {
        EvidenceError::Log(error.to_string())
    }
}

/// The log's name (its key's name, the checkpoints' origin): the public
/// address's host followed by `/log`, e.g. `qorgau.example.kz/log`.
pub fn log_origin(public_url: Option<&str>) -> String {
    public_url
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest).or(Some(url)))
        .map(|rest| {
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .rsplit('@')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
        .filter(|host| {
            !host.is_empty()
                && host.chars().all(|character| {
                    character.is_ascii_alphanumeric() || ".-:[]".contains(character)
                })
        })
        .map_or_else(|| DEFAULT_ORIGIN.to_owned(), |host| format!("{host}/log"))
}

/// Where evidence lives beside a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidencePaths {
    pub blobs: PathBuf,
    pub log_key: PathBuf,
}

/// The log key at `path`, created (named after `public_url`) when missing:
/// `qorgau init` and the first `serve`. The flag says whether it was created.
pub fn load_or_create_key(
    path: &Path,
    public_url: Option<&str>,
) -> Result<(KeyPair, bool), KeyError> {
    if let Some(folder) = path.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder).map_err(|source| KeyError::Io {
            path: folder.display().to_string(),
            source,
        })?;
    }
    KeyPair::load_or_generate(path, &log_origin(public_url))
}

/// What the service needs for evidence: the blob store and the log.
pub struct Evidence {
    pub blobs: Arc<dyn BlobStore>,
    pub log: EvidenceLog,
}

impl Evidence {
    /// Opens the blob store at `paths.blobs` and loads (or creates) the key.
    pub fn open(
        paths: &EvidencePaths,
        public_url: Option<&str>,
    ) -> Result<Evidence, EvidenceError> {
        let blobs = FsBlobStore::open(&paths.blobs)?;
        let (key, _) = load_or_create_key(&paths.log_key, public_url)?;
        Ok(Evidence {
            blobs: Arc::new(blobs),
            log: EvidenceLog::new(key),
        })
    }

    /// Reads a blob on a blocking thread, verified against its digest.
    pub async fn read(&self, digest: &Sha256Digest) -> Result<Vec<u8>, EvidenceError> {
        let blobs = self.blobs.clone();
        let digest = *digest;
        run_blocking(move || blobs.get(&digest)).await
    }

    /// Stores a stream on a blocking thread, without holding it in memory.
    pub async fn write_reader(
        &self,
        mut reader: impl std::io::Read + Send + 'static,
    ) -> Result<Sha256Digest, EvidenceError> {
        let blobs = self.blobs.clone();
        run_blocking(move || blobs.put_reader(&mut reader)).await
    }

    /// Stores bytes durably; the wait for the sync holds no thread.
    pub async fn write(&self, bytes: Vec<u8>) -> Result<Sha256Digest, EvidenceError> {
        Ok(self.blobs.clone().put_async(bytes).await?)
    }

    /// Stores a file an applicant uploaded: the file itself byte for byte
    /// (the evidence, what the log and the receipt name), and for a JPEG,
    /// PNG or WebP a copy without its metadata as a blob of its own
    /// (`qorgau_evidence::strip`) — the copy staff are shown, so that a
    /// photo's GPS position does not travel further than the evidence
    /// itself. A file of another type, or one that does not read as its
    /// format, gets no copy: not checked. The original is written first.
    pub async fn store_upload(&self, bytes: Vec<u8>) -> Result<StoredUpload, EvidenceError> {
        // A linear pass over at most 10 MB, off the runtime's threads.
        let (bytes, stripped) = tokio::task::spawn_blocking(move || {
            let stripped = strip_metadata(&bytes);
            (bytes, stripped)
        })
        .await
        .map_err(|error| EvidenceError::Log(format!("a strip task failed: {error}")))?;
        let size = bytes.len() as u64;
        let stripped = match stripped {
            Ok(stripped) => Some(stripped),
            Err(StripError::Unsupported) => None,
            Err(error) => {
                // The operator's log: the format and where it broke, no content.
                eprintln!("qorgau: upload not checked for metadata ({error})");
                None
            }
        };
        let unchanged = stripped
            .as_ref()
            .is_some_and(|stripped| stripped.bytes == bytes);
        let digest = self.write(bytes).await?;
        let stripped = match stripped {
            None => None,
            Some(Stripped {
                format,
                bytes,
                removed,
            }) => {
                let copy_size = bytes.len() as u64;
                // Nothing to take out: the copy is the upload itself.
                let copy = if unchanged {
                    digest
                } else {
                    self.write(bytes).await?
                };
                Some(StrippedCopy {
                    digest: copy.to_string(),
                    size: copy_size,
                    media_type: format.media_type().to_owned(),
                    removed: removed
                        .iter()
                        .map(|kind| kind.as_str().to_owned())
                        .collect(),
                })
            }
        };
        Ok(StoredUpload {
            digest,
            size,
            stripped,
        })
    }

    /// Keeps a page's fingerprint as a blob (what a re-capture is compared with).
    pub async fn keep_fingerprint(
        &self,
        fingerprint: &PageFingerprint,
    ) -> Result<Sha256Digest, EvidenceError> {
        let bytes = serde_json::to_vec(fingerprint)
            .map_err(|error| EvidenceError::Log(error.to_string()))?;
        self.write(bytes).await
    }

    /// A fingerprint kept by `keep_fingerprint`.
    pub async fn fingerprint(&self, digest: &str) -> Result<PageFingerprint, EvidenceError> {
        let digest: Sha256Digest = digest
            .parse()
            .map_err(|_| EvidenceError::Log(format!("{digest} is not a digest")))?;
        let bytes = self.read(&digest).await?;
        serde_json::from_slice(&bytes).map_err(|error| EvidenceError::Log(error.to_string()))
    }
}

/// An upload as `Evidence::store_upload` stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    /// The file as uploaded.
    pub digest: Sha256Digest,
    pub size: u64,
    /// Its copy without metadata; none when not checked.
    pub stripped: Option<StrippedCopy>,
}

/// The derived objects an evidence item's record names, each linked to the
/// item's file: a capture's screenshot and DOM (renderings), an upload's
/// copy without metadata. All are blobs of the blob store, committed to the
/// log through the event that names them (they have no leaf of their own).
/// Names that are not digests are left out (the fold never makes them).
pub fn derived_links(record: &EvidenceRecord) -> Vec<DerivedLink> {
    let Some(original) = record
        .digest
        .as_deref()
        .and_then(|digest| digest.parse::<Sha256Digest>().ok())
    else {
        return Vec::new();
    };
    let link = |derived: &str, derivation, media_type: &str| {
        derived.parse().ok().map(|derived| DerivedLink {
            original,
            derived,
            derivation,
            media_type: media_type.to_owned(),
        })
    };
    let mut links = Vec::new();
    if let Some(browser) = &record.browser {
        links.extend(link(
            &browser.screenshot,
            Derivation::Rendering,
            "image/png",
        ));
        links.extend(link(&browser.dom, Derivation::Rendering, "text/html"));
    }
    if let Some(stripped) = &record.stripped {
        links.extend(link(
            &stripped.digest,
            Derivation::MetadataStripped,
            &stripped.media_type,
        ));
    }
    links
}

/// The copy of an item staff are shown instead of the file: its
/// metadata-stripped copy, when it has one.
pub fn stripped_link(record: &EvidenceRecord) -> Option<DerivedLink> {
    derived_links(record)
        .into_iter()
        .find(|link| link.derivation == Derivation::MetadataStripped)
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CasError> + Send + 'static,
) -> Result<T, EvidenceError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(error) => Err(EvidenceError::Log(format!("a blob task failed: {error}"))),
    }
}

/// An inclusion proof as the log's proof route serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    pub leaf_index: u64,
    pub tree_size: u64,
    /// The leaf's entry bytes (compact JSON), as hashed.
    pub entry: Vec<u8>,
    pub leaf_hash: Hash,
    /// From the leaf's sibling up to the root's child.
    pub proof: Vec<Hash>,
    /// The root of the tree of `tree_size` leaves.
    pub root: Hash,
}

/// A consistency proof between two sizes of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    pub first: u64,
    pub second: u64,
    pub first_root: Hash,
    pub second_root: Hash,
    pub proof: Vec<Hash>,
}

/// The transparency log as this instance serves it. The tree in memory
/// holds the subtree hashes only, about 64 bytes per leaf (with the entries
/// it was 300: 290 MiB at a million leaves, about a year of a country's
/// cases); an entry is read from the store when a proof or receipt shows it,
/// and must hash to the tree's leaf.
pub struct EvidenceLog {
    key: KeyPair,
    tree: tokio::sync::Mutex<MerkleLog<MemoryLeafStore>>,
}

impl EvidenceLog {
    pub fn new(key: KeyPair) -> EvidenceLog {
        EvidenceLog {
            key,
            tree: tokio::sync::Mutex::new(MerkleLog::new(MemoryLeafStore::hashes_only())),
        }
    }

    /// Leaf `index`'s entry as the store keeps it, checked against the
    /// tree's leaf hash.
    async fn stored_entry<S: Store>(
        store: &S,
        tree: &MerkleLog<MemoryLeafStore>,
        index: u64,
    ) -> Result<Vec<u8>, EvidenceError> {
        let expected = tree.leaf_hash(index)?;
        match store.log_leaves(index, 1).await?.pop() {
            Some(leaf) if leaf.index == index && leaf_hash(&leaf.entry) == expected => {
                Ok(leaf.entry)
            }
            _ => Err(EvidenceError::Log(format!(
                "the store's entry of leaf {index} is missing or is not the log's"
            ))),
        }
    }

    /// What verifiers pin: `name+keyid+base64`.
    pub fn public_key(&self) -> VerifierKey {
        self.key.verifier_key()
    }

    /// The tree, caught up with the leaves in the store (other instances
    /// append too). Each leaf's stored hash must be its entry's.
    async fn synced<S: Store>(
        &self,
        store: &S,
    ) -> Result<tokio::sync::MutexGuard<'_, MerkleLog<MemoryLeafStore>>, EvidenceError> {
        let mut tree = self.tree.lock().await;
        loop {
            let size = tree.size()?;
            let leaves = store.log_leaves(size, LOG_PAGE).await?;
            if leaves.is_empty() {
                return Ok(tree);
            }
            for leaf in leaves {
                let expected = tree.size()?;
                if leaf.index != expected || leaf.leaf_hash != leaf_hash(&leaf.entry) {
                    return Err(EvidenceError::Log(format!(
                        "leaf {} does not continue the log at {expected}",
                        leaf.index
                    )));
                }
                tree.append(&leaf.entry)?;
            }
        }
    }

    /// A signed checkpoint of the whole log as it is now, kept in the store
    /// (one per tree size). A stored one of this size signed by this key is
    /// reused, so every request for the same tree sees the same note.
    pub async fn checkpoint<S: Store>(
        &self,
        store: &S,
        now: Timestamp,
    ) -> Result<SignedCheckpoint, EvidenceError> {
        let tree = self.synced(store).await?;
        self.checkpoint_of(store, &tree, now).await
    }

    async fn checkpoint_of<S: Store>(
        &self,
        store: &S,
        tree: &MerkleLog<MemoryLeafStore>,
        now: Timestamp,
    ) -> Result<SignedCheckpoint, EvidenceError> {
        let size = tree.size()?;
        let root = tree.root(size)?;
        let key = self.key.verifier_key();
        if let Some(stored) = store.latest_checkpoint().await?
            && stored.tree_size == size
            && stored.root == root
            && let Ok(checkpoint) = verify_checkpoint(&stored.note, &key)
        {
            return Ok(SignedCheckpoint {
                checkpoint,
                note: stored.note,
            });
        }
        let signed = self
            .key
            .sign_checkpoint(&Checkpoint::new(self.key.name(), size, root));
        store
            .save_checkpoint(&StoredCheckpoint {
                tree_size: size,
                root,
                note: signed.note.clone(),
                signed_at: now,
            })
            .await?;
        Ok(signed)
    }

    /// The number of leaves in the log now (caught up with the store).
    pub async fn size<S: Store>(&self, store: &S) -> Result<u64, EvidenceError> {
        Ok(self.synced(store).await?.size()?)
    }

    /// RFC 9162 §2.1.3: the inclusion proof of leaf `index` in the tree of
    /// `tree_size` leaves (the caller checks `index < tree_size <= size`).
    pub async fn inclusion<S: Store>(
        &self,
        store: &S,
        index: u64,
        tree_size: u64,
    ) -> Result<InclusionProof, EvidenceError> {
        let tree = self.synced(store).await?;
        let entry = Self::stored_entry(store, &tree, index).await?;
        Ok(InclusionProof {
            leaf_index: index,
            tree_size,
            leaf_hash: leaf_hash(&entry),
            entry,
            proof: tree.inclusion_proof(index, tree_size)?,
            root: tree.root(tree_size)?,
        })
    }

    /// RFC 9162 §2.1.4: the proof that the tree of `first` leaves is a prefix
    /// of the tree of `second` (the caller checks `first <= second <= size`).
    pub async fn consistency<S: Store>(
        &self,
        store: &S,
        first: u64,
        second: u64,
    ) -> Result<ConsistencyProof, EvidenceError> {
        let tree = self.synced(store).await?;
        Ok(ConsistencyProof {
            first,
            second,
            first_root: tree.root(first)?,
            second_root: tree.root(second)?,
            proof: tree.consistency_proof(first, second)?,
        })
    }

    /// The receipt of the evidence item at leaf `index`, under a checkpoint
    /// of the log as it is now.
    pub async fn receipt<S: Store>(
        &self,
        store: &S,
        index: u64,
        now: Timestamp,
    ) -> Result<Receipt, EvidenceError> {
        let tree = self.synced(store).await?;
        let checkpoint = self.checkpoint_of(store, &tree, now).await?;
        if index >= checkpoint.checkpoint.tree_size {
            return Err(EvidenceError::NotLogged(index));
        }
        let entry = Self::stored_entry(store, &tree, index).await?;
        Receipt::issue_for_entry(&tree, index, entry, &checkpoint)
            .map(|receipt| receipt.with_public_key(&self.public_key()))
            .map_err(|error| match error {
                IssueError::NotEvidence(index) | IssueError::NotInCheckpoint { index, .. } => {
                    EvidenceError::NotLogged(index)
                }
                other => EvidenceError::Log(other.to_string()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_named_after_the_public_host() {
        for (url, origin) in [
            (Some("https://qorgau.example.kz"), "qorgau.example.kz/log"),
            (
                Some("https://Qorgau.Example.kz:8443/app/"),
                "qorgau.example.kz:8443/log",
            ),
            (Some("qorgau.gov.kz"), "qorgau.gov.kz/log"),
            (Some("https://user@host.kz/x"), "host.kz/log"),
            (Some("https:// bad host/"), DEFAULT_ORIGIN),
            (Some(""), DEFAULT_ORIGIN),
            (None, DEFAULT_ORIGIN),
        ] {
            assert_eq!(log_origin(url), origin, "{url:?}");
        }
    }
}

/// The URLs a case names — its reported resources and its orders' URLs — in
/// order, each once: what staff may have captured on demand.
pub fn case_urls(state: &qorgau_domain::procedure::CaseState) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    let named = state
        .application
        .resources
        .iter()
        .map(|resource| &resource.url)
        .chain(state.orders.iter().flat_map(|order| order.urls.iter()));
    for url in named {
        if !urls.contains(url) {
            urls.push(url.clone());
        }
    }
    urls
}

/// What a staff request for a capture came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureRequest {
    /// The capture is queued as evidence item `evidence_id`.
    Queued { evidence_id: String, url: String },
    /// The URL is not one the case names: staff capture the case's own URLs
    /// only (the capturer is not a general-purpose fetcher).
    NotACaseUrl,
}

/// A coordinator or expert asks for a capture of one of the case's URLs now
/// (a page that changed, a capture that failed for good): the same durable
/// `capture` job intake enqueues, under a new evidence id, so the worker
/// captures, logs and records it like any other. `url` may be a resource as
/// the applicant typed it; the normalized URL is captured.
pub async fn request_capture<S: Store>(
    store: &S,
    case_id: &str,
    url: &str,
    now: Timestamp,
) -> Result<CaptureRequest, crate::ServiceError> {
    let case = store
        .load_case(case_id)
        .await?
        .ok_or_else(|| crate::ServiceError::CaseNotFound(case_id.to_owned()))?;
    let state = case.state()?;
    let url = url.trim();
    let typed = state
        .application
        .resources
        .iter()
        .find(|resource| resource.reported_as.trim() == url)
        .map(|resource| resource.url.clone());
    let Some(url) = case_urls(&state)
        .into_iter()
        .find(|known| known == url)
        .or(typed)
    else {
        return Ok(CaptureRequest::NotACaseUrl);
    };
    let payload = crate::jobs::CaptureJob {
        evidence_id: crate::jobs::new_evidence_id()?,
        url: url.clone(),
    };
    let job = qorgau_store::NewJob {
        kind: crate::jobs::CAPTURE.to_owned(),
        payload: serde_json::to_string(&payload)
            .map_err(|error| EvidenceError::Log(error.to_string()))?,
        run_at: now,
    };
    store.enqueue_job(Some(case_id), &job, now).await?;
    Ok(CaptureRequest::Queued {
        evidence_id: payload.evidence_id,
        url,
    })
}
