//! Log entries and receipts.
//!
//! A **log entry** is what one leaf of the transparency log holds: a small
//! JSON object with digests and metadata only — never a name, an IIN, a
//! message text or a URL's content (docs/evidence.md, "What a leaf holds").
//!
//! A **receipt** proves, offline, that one evidence item was logged: the
//! item's digest, kind and capture time, its log index, the exact entry bytes,
//! the inclusion proof and the signed checkpoint — and, since receipts began
//! to carry it, the log's public key as text. [`verify_receipt`] checks, in
//! order: the checkpoint's signature under the log's public key, the entry
//! against the receipt's fields, the leaf hash, the proof to the checkpoint's
//! root. [`verify_receipt_with_its_key`] does the same under the key the
//! receipt carries — which proves the receipt consistent, not genuine: anyone
//! can sign a checkpoint with a key of their own and put that key in the
//! receipt, so the key must be compared with the published one.

use jiff::Timestamp;
use qorgau_domain::message::{Explain, Message};
use serde::{Deserialize, Serialize};

use crate::Sha256Digest;
use crate::checkpoint::{
    Checkpoint, CheckpointError, KeyPair, NoteError, SignedCheckpoint, VerifierKey,
    verify_checkpoint,
};
use crate::merkle::{self, Hash, LeafStore, LogError, MerkleLog, ProofError};

/// The `format` of receipts this code writes and reads.
pub const RECEIPT_FORMAT: &str = "qorgau-receipt/1";

/// What an evidence item is (the API's `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A web capture taken at intake or on staff request (a WARC file).
    Capture,
    /// A file the applicant uploaded, byte for byte.
    Upload,
    /// A capture taken to verify removal.
    Recapture,
    /// A file derived from another (an EXIF-stripped copy, a thumbnail).
    Derived,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Capture => "capture",
            EvidenceKind::Upload => "upload",
            EvidenceKind::Recapture => "recapture",
            EvidenceKind::Derived => "derived",
        }
    }
}

/// One leaf of the transparency log.
///
/// Architecture Invariant: only digests, kinds, sizes, times and sequence
/// numbers. A case number is not personal data but links an item to a child's
/// case, so it is not here either: the store links leaves to cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LogEntry {
    /// An evidence object in the content-addressed store.
    Evidence {
        digest: Sha256Digest,
        kind: EvidenceKind,
        captured_at: Timestamp,
        size: u64,
        /// For a recapture or derived file: the item it follows from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original: Option<Sha256Digest>,
    },
    /// A case event of the case record (its chain hash and sequence number).
    CaseEvent { seq: u64, hash: Sha256Digest },
}

impl LogEntry {
    /// The leaf's bytes: compact JSON, fields in declaration order. Stored and
    /// carried as is; verifiers hash these bytes and never re-encode.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing a plain enum of strings and numbers cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<LogEntry, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// The receipt file (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    pub digest: Sha256Digest,
    pub kind: EvidenceKind,
    pub captured_at: Timestamp,
    /// The leaf's index in the log (0-based).
    pub log_index: u64,
    /// The leaf entry bytes, a JSON text (see [`LogEntry`]).
    pub entry: String,
    /// Hex SHA-256 hashes, from the leaf's sibling up (RFC 9162 §2.1.3).
    pub inclusion_proof: Vec<String>,
    /// The signed checkpoint the proof leads to (C2SP signed note).
    pub checkpoint: String,
    /// The log's public key (`name+<key ID>+<base64>`), the key that signed
    /// the checkpoint: so the receipt can be checked without fetching it.
    /// A convenience, not a proof — compare it with the published key.
    /// Receipts issued before this field have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

/// Why a receipt could not be made.
#[derive(Debug, thiserror::Error)]
pub enum IssueError<E: std::error::Error + 'static> {
    #[error(transparent)]
    Log(#[from] LogError<E>),
    #[error("leaf {0} is not an evidence entry")]
    NotEvidence(u64),
    #[error("leaf {index} is not covered by the checkpoint of {tree_size} leaves")]
    NotInCheckpoint { index: u64, tree_size: u64 },
    #[error("the checkpoint's root is not the log's root at {0} leaves")]
    CheckpointNotOfThisLog(u64),
    #[error("the entry given for leaf {0} does not hash to the log's leaf")]
    EntryNotOfThisLog(u64),
}

impl Receipt {
    /// The receipt for leaf `index` under `checkpoint` (which must cover it
    /// and be a checkpoint of this log).
    pub fn issue<S: LeafStore>(
        log: &MerkleLog<S>,
        index: u64,
        checkpoint: &SignedCheckpoint,
    ) -> Result<Receipt, IssueError<S::Error>> {
        let entry = log.entry(index)?;
        Receipt::issue_for_entry(log, index, entry, checkpoint)
    }

    /// [`Receipt::issue`] for a log that keeps only hashes
    /// ([`crate::merkle::MemoryLeafStore::hashes_only`]): the caller brings
    /// leaf `index`'s entry from where it is kept, and it must hash to the
    /// log's leaf.
    pub fn issue_for_entry<S: LeafStore>(
        log: &MerkleLog<S>,
        index: u64,
        entry_bytes: Vec<u8>,
        checkpoint: &SignedCheckpoint,
    ) -> Result<Receipt, IssueError<S::Error>> {
        let tree_size = checkpoint.checkpoint.tree_size;
        if index >= tree_size {
            return Err(IssueError::NotInCheckpoint { index, tree_size });
        }
        if log.root(tree_size)? != checkpoint.checkpoint.root_hash {
            return Err(IssueError::CheckpointNotOfThisLog(tree_size));
        }
        if merkle::leaf_hash(&entry_bytes) != log.leaf_hash(index)? {
            return Err(IssueError::EntryNotOfThisLog(index));
        }
        let Ok(LogEntry::Evidence {
            digest,
            kind,
            captured_at,
            ..
        }) = LogEntry::from_bytes(&entry_bytes)
        else {
            return Err(IssueError::NotEvidence(index));
        };
        let entry = String::from_utf8(entry_bytes).map_err(|_| IssueError::NotEvidence(index))?;
        let proof = log.inclusion_proof(index, tree_size)?;
        Ok(Receipt {
            format: RECEIPT_FORMAT.to_owned(),
            digest,
            kind,
            captured_at,
            log_index: index,
            entry,
            inclusion_proof: proof.iter().map(hex::encode).collect(),
            checkpoint: checkpoint.note.clone(),
            public_key: None,
        })
    }

    /// The receipt carrying `key`, the key that signed its checkpoint.
    pub fn with_public_key(mut self, key: &VerifierKey) -> Receipt {
        self.public_key = Some(key.to_string());
        self
    }

    /// Pretty JSON with a final newline: the file the applicant downloads.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// A receipt that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub digest: Sha256Digest,
    pub kind: EvidenceKind,
    pub captured_at: Timestamp,
    pub log_index: u64,
    pub size: u64,
    pub original: Option<Sha256Digest>,
    pub checkpoint: Checkpoint,
}

/// Why a receipt does not verify. Each names what is wrong; the
/// `Explain` messages are in `locales/*/evidence.ftl`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    /// Not JSON of the receipt's shape (a truncated or damaged file).
    #[error("the file is not a receipt: {0}")]
    Malformed(String),
    #[error("receipt format {0} is not supported")]
    UnsupportedFormat(String),
    /// The checkpoint is not a well-formed signed checkpoint.
    #[error("the checkpoint is malformed: {0}")]
    CheckpointMalformed(String),
    /// No signature by the given key (signed by another key, or unsigned).
    #[error("the checkpoint is not signed by the key {0}")]
    CheckpointWrongKey(String),
    /// Signed by the key's name and ID, but the signature fails: altered.
    #[error("the checkpoint's signature does not verify: it was altered or forged")]
    CheckpointSignatureInvalid,
    #[error("the checkpoint is for the log {found}, the key for {expected}")]
    CheckpointOriginMismatch { expected: String, found: String },
    #[error("the log entry is malformed: {0}")]
    EntryMalformed(String),
    /// The entry and the receipt disagree on a field.
    #[error("the receipt's {0} differs from the logged entry")]
    EntryMismatch(&'static str),
    #[error("the inclusion proof is malformed: {0}")]
    ProofMalformed(String),
    #[error("leaf {index} is beyond the checkpoint's {tree_size} leaves")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    /// The proof does not lead from this entry at this index to the root.
    #[error("the inclusion proof does not lead to the checkpoint's root: {0}")]
    ProofInvalid(ProofError),
    /// The receipt names another key than the one it is checked with.
    #[error("the receipt names the log key {receipt_key}, not {key}")]
    KeyMismatch { receipt_key: String, key: String },
    /// The key the receipt carries is not a valid key.
    #[error("the log key in the receipt is not valid: {0}")]
    KeyMalformed(String),
    /// Checked with the receipt's own key, but it carries none.
    #[error("the receipt does not carry the log's public key")]
    NoKey,
}

impl ReceiptError {
    /// True when the input is not a readable receipt at all (exit 2 in the
    /// CLI), false when it is a receipt that fails verification (exit 1).
    pub fn is_malformed_input(&self) -> bool {
        matches!(self, ReceiptError::Malformed(_))
    }
}

impl Explain for ReceiptError {
    fn code(&self) -> &'static str {
        match self {
            ReceiptError::Malformed(_) => "receipt_malformed",
            ReceiptError::UnsupportedFormat(_) => "receipt_unsupported_format",
            ReceiptError::CheckpointMalformed(_) => "checkpoint_malformed",
            ReceiptError::CheckpointWrongKey(_) => "checkpoint_wrong_key",
            ReceiptError::CheckpointSignatureInvalid => "checkpoint_signature_invalid",
            ReceiptError::CheckpointOriginMismatch { .. } => "checkpoint_origin_mismatch",
            ReceiptError::EntryMalformed(_) => "entry_malformed",
            ReceiptError::EntryMismatch(_) => "entry_mismatch",
            ReceiptError::ProofMalformed(_) => "proof_malformed",
            ReceiptError::IndexOutOfRange { .. } => "index_out_of_range",
            ReceiptError::ProofInvalid(_) => "proof_invalid",
            ReceiptError::KeyMismatch { .. } => "public_key_mismatch",
            ReceiptError::KeyMalformed(_) => "public_key_malformed",
            ReceiptError::NoKey => "public_key_required",
        }
    }

    fn explain(&self) -> Message {
        match self {
            ReceiptError::Malformed(detail) => {
                Message::new("evidence-receipt-malformed").with("detail", detail.as_str())
            }
            ReceiptError::UnsupportedFormat(format) => {
                Message::new("evidence-receipt-unsupported-format").with("format", format.as_str())
            }
            ReceiptError::CheckpointMalformed(detail) => {
                Message::new("evidence-checkpoint-malformed").with("detail", detail.as_str())
            }
            ReceiptError::CheckpointWrongKey(key) => {
                Message::new("evidence-checkpoint-wrong-key").with("key", key.as_str())
            }
            ReceiptError::CheckpointSignatureInvalid => {
                Message::new("evidence-checkpoint-signature-invalid")
            }
            ReceiptError::CheckpointOriginMismatch { expected, found } => {
                Message::new("evidence-checkpoint-origin-mismatch")
                    .with("expected", expected.as_str())
                    .with("found", found.as_str())
            }
            ReceiptError::EntryMalformed(detail) => {
                Message::new("evidence-entry-malformed").with("detail", detail.as_str())
            }
            ReceiptError::EntryMismatch(field) => {
                Message::new("evidence-entry-mismatch").with("field", *field)
            }
            ReceiptError::ProofMalformed(detail) => {
                Message::new("evidence-proof-malformed").with("detail", detail.as_str())
            }
            ReceiptError::IndexOutOfRange { index, tree_size } => {
                Message::new("evidence-index-out-of-range")
                    .with("index", *index as i64)
                    .with("size", *tree_size as i64)
            }
            ReceiptError::ProofInvalid(_) => Message::new("evidence-proof-invalid"),
            ReceiptError::KeyMismatch { receipt_key, key } => {
                Message::new("evidence-receipt-key-mismatch")
                    .with("receipt_key", receipt_key.as_str())
                    .with("key", key.as_str())
            }
            ReceiptError::KeyMalformed(detail) => {
                Message::new("evidence-receipt-key-malformed").with("detail", detail.as_str())
            }
            ReceiptError::NoKey => Message::new("evidence-public-key-required"),
        }
    }
}

fn parse_receipt(json: &[u8]) -> Result<Receipt, ReceiptError> {
    let receipt: Receipt =
        serde_json::from_slice(json).map_err(|error| ReceiptError::Malformed(error.to_string()))?;
    if receipt.format != RECEIPT_FORMAT {
        return Err(ReceiptError::UnsupportedFormat(receipt.format));
    }
    Ok(receipt)
}

/// Checks a receipt offline under the log's public key. A receipt that
/// carries a key must carry exactly this one (as the key prints): the field
/// is not signed, so a changed key text is refused rather than ignored.
pub fn verify_receipt(json: &[u8], key: &VerifierKey) -> Result<VerifiedReceipt, ReceiptError> {
    let receipt = parse_receipt(json)?;
    check_receipt(receipt, key)
}

/// Checks a receipt offline under the key it carries, and returns that key.
/// This proves the receipt consistent — its checkpoint signed by that key
/// (name and key ID, then the signature), its entry in that tree — but not
/// that the key is the log's: the caller must compare the key with the
/// published one (`GET /api/v1/log/public-key`).
pub fn verify_receipt_with_its_key(
    json: &[u8],
) -> Result<(VerifiedReceipt, VerifierKey), ReceiptError> {
    let receipt = parse_receipt(json)?;
    let key: VerifierKey = receipt
        .public_key
        .as_deref()
        .ok_or(ReceiptError::NoKey)?
        .parse()
        .map_err(|error: crate::checkpoint::KeyError| {
            ReceiptError::KeyMalformed(error.to_string())
        })?;
    let verified = check_receipt(receipt, &key)?;
    Ok((verified, key))
}

fn check_receipt(receipt: Receipt, key: &VerifierKey) -> Result<VerifiedReceipt, ReceiptError> {
    // 1. The checkpoint: signed by this key, for this key's log.
    let checkpoint = verify_checkpoint(&receipt.checkpoint, key).map_err(|error| match error {
        CheckpointError::Note(NoteError::Malformed(detail)) => {
            ReceiptError::CheckpointMalformed(detail.to_owned())
        }
        CheckpointError::Note(NoteError::NoKnownSignature(key)) => {
            ReceiptError::CheckpointWrongKey(key)
        }
        CheckpointError::Note(NoteError::BadSignature(_)) => {
            ReceiptError::CheckpointSignatureInvalid
        }
        CheckpointError::Body(error) => ReceiptError::CheckpointMalformed(error.0.to_owned()),
        CheckpointError::OriginMismatch { expected, found } => {
            ReceiptError::CheckpointOriginMismatch { expected, found }
        }
    })?;

    // The key the receipt names, if any, is the one that signed, spelled as
    // it prints.
    if let Some(named) = &receipt.public_key {
        let expected = key.to_string();
        if *named != expected {
            return Err(ReceiptError::KeyMismatch {
                receipt_key: named.clone(),
                key: expected,
            });
        }
    }

    // 2. The entry says what the receipt says.
    let entry = LogEntry::from_bytes(receipt.entry.as_bytes())
        .map_err(|error| ReceiptError::EntryMalformed(error.to_string()))?;
    let LogEntry::Evidence {
        digest,
        kind,
        captured_at,
        size,
        original,
    } = entry
    else {
        return Err(ReceiptError::EntryMalformed(
            "a case event, not an evidence item".to_owned(),
        ));
    };
    if digest != receipt.digest {
        return Err(ReceiptError::EntryMismatch("digest"));
    }
    if kind != receipt.kind {
        return Err(ReceiptError::EntryMismatch("kind"));
    }
    if captured_at != receipt.captured_at {
        return Err(ReceiptError::EntryMismatch("captured_at"));
    }

    // 3. The entry is leaf `log_index` of the checkpointed tree.
    if receipt.log_index >= checkpoint.tree_size {
        return Err(ReceiptError::IndexOutOfRange {
            index: receipt.log_index,
            tree_size: checkpoint.tree_size,
        });
    }
    let proof = receipt
        .inclusion_proof
        .iter()
        .map(|text| parse_hash(text))
        .collect::<Result<Vec<Hash>, ReceiptError>>()?;
    let leaf = merkle::leaf_hash(receipt.entry.as_bytes());
    merkle::verify_inclusion(
        &leaf,
        receipt.log_index,
        checkpoint.tree_size,
        &proof,
        &checkpoint.root_hash,
    )
    .map_err(ReceiptError::ProofInvalid)?;

    Ok(VerifiedReceipt {
        digest,
        kind,
        captured_at,
        log_index: receipt.log_index,
        size,
        original,
        checkpoint,
    })
}

fn parse_hash(text: &str) -> Result<Hash, ReceiptError> {
    let malformed =
        || ReceiptError::ProofMalformed(format!("`{text}` is not 64 lowercase hex digits"));
    // One spelling per hash: uppercase hex would let a changed file verify.
    if text.len() != 64
        || !text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
    {
        return Err(malformed());
    }
    let mut hash = [0u8; 32];
    hex::decode_to_slice(text, &mut hash).map_err(|_| malformed())?;
    Ok(hash)
}

/// The log with its key: append entries, sign checkpoints, issue receipts.
/// What the service holds; the store persists the leaves behind `S`.
#[derive(Debug)]
pub struct TransparencyLog<S> {
    log: MerkleLog<S>,
    key: KeyPair,
}

impl<S: LeafStore> TransparencyLog<S> {
    /// The log's origin is its key's name.
    pub fn new(store: S, key: KeyPair) -> TransparencyLog<S> {
        TransparencyLog {
            log: MerkleLog::new(store),
            key,
        }
    }

    pub fn log(&self) -> &MerkleLog<S> {
        &self.log
    }

    pub fn verifier_key(&self) -> VerifierKey {
        self.key.verifier_key()
    }

    /// Appends an entry; returns its index.
    pub fn append(&mut self, entry: &LogEntry) -> Result<u64, LogError<S::Error>> {
        self.log.append(&entry.to_bytes())
    }

    /// Signs the current tree head.
    pub fn checkpoint(&self) -> Result<SignedCheckpoint, LogError<S::Error>> {
        let size = self.log.size()?;
        let root = self.log.root(size)?;
        Ok(self
            .key
            .sign_checkpoint(&Checkpoint::new(self.key.name(), size, root)))
    }

    /// The receipt for leaf `index` under the current tree head, carrying
    /// the log's public key.
    pub fn receipt(&self, index: u64) -> Result<Receipt, IssueError<S::Error>> {
        let checkpoint = self.checkpoint()?;
        Ok(Receipt::issue(&self.log, index, &checkpoint)?.with_public_key(&self.verifier_key()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::MemoryLeafStore;

    const ORIGIN: &str = "qorgau.test/log";

    fn key(seed: u8) -> KeyPair {
        KeyPair::from_seed(ORIGIN, [seed; 32]).unwrap()
    }

    fn evidence(number: u8) -> LogEntry {
        LogEntry::Evidence {
            digest: Sha256Digest::of(&[number]),
            kind: EvidenceKind::Capture,
            captured_at: "2026-11-28T10:00:00Z".parse().unwrap(),
            size: 1000 + u64::from(number),
            original: None,
        }
    }

    /// A log of 11 leaves (evidence and case events mixed) and the receipt
    /// for leaf 6.
    fn sample() -> (TransparencyLog<MemoryLeafStore>, Receipt) {
        let mut log = TransparencyLog::new(MemoryLeafStore::new(), key(1));
        for number in 0..11u8 {
            if number % 3 == 2 {
                log.append(&LogEntry::CaseEvent {
                    seq: u64::from(number),
                    hash: Sha256Digest::of(b"event"),
                })
                .unwrap();
            } else {
                log.append(&evidence(number)).unwrap();
            }
        }
        let receipt = log.receipt(6).unwrap();
        (log, receipt)
    }

    fn check(json: &str) -> Result<VerifiedReceipt, ReceiptError> {
        verify_receipt(json.as_bytes(), &key(1).verifier_key())
    }

    #[test]
    fn a_receipt_from_a_log_of_hashes_needs_the_entry_that_is_the_logs() {
        let (full, expected) = sample();
        let mut hashes_only = MerkleLog::new(MemoryLeafStore::hashes_only());
        for index in 0..11 {
            hashes_only.append(&full.log.entry(index).unwrap()).unwrap();
        }
        let checkpoint = full.checkpoint().unwrap();
        let receipt =
            Receipt::issue_for_entry(&hashes_only, 6, full.log.entry(6).unwrap(), &checkpoint)
                .unwrap()
                .with_public_key(&key(1).verifier_key());
        assert_eq!(receipt, expected);
        // Another leaf's entry, or the right one altered, is refused.
        for wrong in [full.log.entry(7).unwrap(), evidence(60).to_bytes()] {
            assert!(matches!(
                Receipt::issue_for_entry(&hashes_only, 6, wrong, &checkpoint),
                Err(IssueError::EntryNotOfThisLog(6))
            ));
        }
    }

    #[test]
    fn a_valid_receipt_verifies() {
        let (_, receipt) = sample();
        let verified = check(&receipt.to_json()).unwrap();
        assert_eq!(verified.digest, Sha256Digest::of(&[6]));
        assert_eq!(verified.log_index, 6);
        assert_eq!(verified.size, 1006);
        assert_eq!(verified.checkpoint.tree_size, 11);
        // Every leaf's receipt verifies, not only one.
        let (log, _) = sample();
        for index in (0..11).filter(|index| index % 3 != 2) {
            check(&log.receipt(index).unwrap().to_json()).unwrap();
        }
        assert!(matches!(log.receipt(2), Err(IssueError::NotEvidence(2))));
    }

    #[test]
    fn a_changed_field_fails_with_its_reason() {
        let (_, receipt) = sample();
        let mut changed = receipt.clone();
        changed.digest = Sha256Digest::of(b"other");
        assert_eq!(
            check(&changed.to_json()),
            Err(ReceiptError::EntryMismatch("digest"))
        );
        let mut changed = receipt.clone();
        changed.kind = EvidenceKind::Upload;
        assert_eq!(
            check(&changed.to_json()),
            Err(ReceiptError::EntryMismatch("kind"))
        );
        let mut changed = receipt.clone();
        changed.captured_at = "2026-11-28T10:00:01Z".parse().unwrap();
        assert_eq!(
            check(&changed.to_json()),
            Err(ReceiptError::EntryMismatch("captured_at"))
        );
        let mut changed = receipt.clone();
        changed.log_index = 7;
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::ProofInvalid(_))
        ));
        let mut changed = receipt.clone();
        changed.log_index = 11;
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::IndexOutOfRange { .. })
        ));
        // The entry re-spelled with the receipt's fields changed together:
        // the leaf hash changes, so the proof fails.
        let mut changed = receipt.clone();
        changed.entry = changed.entry.replace("1006", "1007");
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::ProofInvalid(ProofError::RootMismatch))
        ));
        let mut changed = receipt.clone();
        changed.inclusion_proof.pop();
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::ProofInvalid(ProofError::TooShort))
        ));
        let mut changed = receipt;
        changed.inclusion_proof[0] = "zz".repeat(32);
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::ProofMalformed(_))
        ));
    }

    /// Flip every byte of every field's value in the JSON file: each change
    /// must fail (with some reason), none may verify.
    #[test]
    fn any_flipped_byte_in_the_file_fails() {
        let (_, receipt) = sample();
        let json = receipt.to_json();
        let bytes = json.as_bytes();
        let mut failures = std::collections::BTreeSet::new();
        for position in 0..bytes.len() {
            for replacement in [b'0', b'A', b'x'] {
                if bytes[position] == replacement || bytes[position].is_ascii_whitespace() {
                    continue;
                }
                let mut changed = bytes.to_vec();
                changed[position] = replacement;
                match verify_receipt(&changed, &key(1).verifier_key()) {
                    Ok(_) => {
                        // Only a change that leaves the meaning intact may pass:
                        // none exists here except inside JSON syntax we skip.
                        let text = String::from_utf8_lossy(&changed);
                        panic!("verified after a change at byte {position}: {text}");
                    }
                    Err(error) => {
                        failures.insert(error.code());
                    }
                }
            }
        }
        for code in [
            "receipt_malformed",
            "entry_mismatch",
            "proof_invalid",
            "checkpoint_signature_invalid",
            "public_key_mismatch",
        ] {
            assert!(failures.contains(code), "{code} never seen: {failures:?}");
        }
    }

    #[test]
    fn a_proof_for_another_leaf_fails() {
        let (log, receipt) = sample();
        let other = log.receipt(7).unwrap();
        let mut changed = receipt;
        changed.inclusion_proof = other.inclusion_proof;
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::ProofInvalid(ProofError::RootMismatch))
        ));
    }

    #[test]
    fn a_checkpoint_signed_by_another_key_fails() {
        let (log, receipt) = sample();
        let size = log.log().size().unwrap();
        let root = log.log().root(size).unwrap();
        let stranger = key(2).sign_checkpoint(&Checkpoint::new(ORIGIN, size, root));
        let mut changed = receipt.clone();
        changed.checkpoint = stranger.note;
        assert!(matches!(
            check(&changed.to_json()),
            Err(ReceiptError::CheckpointWrongKey(_))
        ));
        // And the genuine receipt checked with another key fails the same way.
        assert!(matches!(
            verify_receipt(receipt.to_json().as_bytes(), &key(2).verifier_key()),
            Err(ReceiptError::CheckpointWrongKey(_))
        ));
    }

    #[test]
    fn an_altered_checkpoint_fails() {
        let (_, receipt) = sample();
        let mut changed = receipt;
        changed.checkpoint = changed.checkpoint.replacen("\n11\n", "\n12\n", 1);
        assert_eq!(
            check(&changed.to_json()),
            Err(ReceiptError::CheckpointSignatureInvalid)
        );
    }

    #[test]
    fn a_truncated_file_is_malformed() {
        let (_, receipt) = sample();
        let json = receipt.to_json();
        for length in [0, 1, json.len() / 2, json.len() - 3] {
            let result = check(&json[..length]);
            assert!(
                matches!(&result, Err(error) if error.is_malformed_input()),
                "{length}: {result:?}"
            );
        }
        assert!(matches!(
            check("{\"format\":\"qorgau-receipt/9\"}"),
            Err(ReceiptError::Malformed(_))
        ));
    }

    /// Receipts carry the key that signed their checkpoint; checked under
    /// that key they verify, and the key comes back to be compared with the
    /// published one. A receipt forged with a key of its own is consistent
    /// too — which is why the key must be compared — and is refused under
    /// the log's key.
    #[test]
    fn a_receipt_carries_its_key_and_verifies_under_it() {
        let (log, receipt) = sample();
        let genuine = key(1).verifier_key();
        assert_eq!(receipt.public_key, Some(genuine.to_string()));
        let (verified, carried) =
            verify_receipt_with_its_key(receipt.to_json().as_bytes()).unwrap();
        assert_eq!(carried, genuine);
        assert_eq!(verified, check(&receipt.to_json()).unwrap());
        // The fingerprint starts with the key ID.
        let fingerprint = genuine.fingerprint().to_string();
        assert!(
            fingerprint.starts_with(&format!("sha256:{:08x}", genuine.key_id())),
            "{fingerprint}"
        );

        // A forger signs the same tree with a key of their own.
        let size = log.log().size().unwrap();
        let root = log.log().root(size).unwrap();
        let forger = key(2);
        let mut forged = receipt.clone();
        forged.checkpoint = forger
            .sign_checkpoint(&Checkpoint::new(ORIGIN, size, root))
            .note;
        forged.public_key = Some(forger.verifier_key().to_string());
        let (_, carried) = verify_receipt_with_its_key(forged.to_json().as_bytes()).unwrap();
        assert_eq!(carried, forger.verifier_key());
        assert_ne!(carried.fingerprint(), genuine.fingerprint());
        assert!(matches!(
            check(&forged.to_json()),
            Err(ReceiptError::CheckpointWrongKey(_))
        ));
        // The genuine checkpoint with the forger's key text beside it: the
        // field is not signed, so it must match the key that checks.
        let mut renamed = receipt.clone();
        renamed.public_key = Some(forger.verifier_key().to_string());
        assert_eq!(
            check(&renamed.to_json()),
            Err(ReceiptError::KeyMismatch {
                receipt_key: forger.verifier_key().to_string(),
                key: genuine.to_string(),
            })
        );
        // Only the key text changed: the checkpoint is not signed by it.
        let mut swapped = receipt.clone();
        swapped.public_key = Some(forger.verifier_key().to_string());
        assert!(matches!(
            verify_receipt_with_its_key(swapped.to_json().as_bytes()),
            Err(ReceiptError::CheckpointWrongKey(_))
        ));

        // Receipts from before the field still verify under a given key,
        // and say they carry none when asked for their own.
        let mut older = receipt.clone();
        older.public_key = None;
        assert!(!older.to_json().contains("public_key"));
        check(&older.to_json()).unwrap();
        assert_eq!(
            verify_receipt_with_its_key(older.to_json().as_bytes()),
            Err(ReceiptError::NoKey)
        );
        let mut broken = receipt;
        broken.public_key = Some("qorgau.test/log+00000000+AAAA".to_owned());
        assert!(matches!(
            verify_receipt_with_its_key(broken.to_json().as_bytes()),
            Err(ReceiptError::KeyMalformed(_))
        ));
    }

    #[test]
    fn an_unknown_format_is_named() {
        let (_, receipt) = sample();
        let mut changed = receipt;
        changed.format = "qorgau-receipt/9".to_owned();
        assert_eq!(
            check(&changed.to_json()),
            Err(ReceiptError::UnsupportedFormat(
                "qorgau-receipt/9".to_owned()
            ))
        );
    }

    #[test]
    fn log_entries_hold_no_free_text() {
        let bytes = evidence(1).to_bytes();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("{\"type\":\"evidence\",\"digest\":\"sha256:"));
        assert_eq!(LogEntry::from_bytes(&bytes).unwrap(), evidence(1));
        // Unknown fields are refused, so nothing else can ride along.
        assert!(
            LogEntry::from_bytes(
                br#"{"type":"case_event","seq":1,"hash":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","child":"x"}"#
            )
            .is_err()
        );
    }
}
