//! The transparency log's leaves, as the store writes them: the log mirrors
//! the case record (docs/evidence.md, "The log and the record").
//!
//! Every entry of the case record gets one leaf, `{"type":"case_event",
//! "seq":…,"hash":"sha256:…"}`, written in the same transaction as the entry.
//! An `evidence_captured` event also puts its evidence item in the log: the
//! leaf `{"type":"evidence","digest":…,"kind":…,"captured_at":…,"size":…}`
//! comes just before the event's own leaf, at the index the event names
//! (`log_index`). So the whole log is a function of the record: `leaves_for`
//! is the one place that says how, used when appending, importing and
//! verifying alike.

use qorgau_domain::procedure::{CaseEvent, EvidenceKind};
use qorgau_evidence::Sha256Digest;
use qorgau_evidence::merkle::{Hash, leaf_hash, node_hash};
use qorgau_evidence::receipt::{EvidenceKind as LogKind, LogEntry};

use crate::{LogBreak, LogSummary, Maintenance, Store, StoreError, VerifyError, rows};

/// Leaves per page when reading the log.
pub const LOG_PAGE: u32 = 1000;

/// One leaf to write: its index, entry bytes and leaf hash, and the record
/// entry it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewLeaf {
    pub index: u64,
    pub entry: Vec<u8>,
    pub leaf_hash: Hash,
    pub seq: u64,
}

/// How a misplaced evidence leaf is reported: when appending, another writer
/// moved the log on (a conflict: reload and retry); when importing or
/// verifying, the record is inconsistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Misplaced {
    Conflict,
    Corrupt,
}

fn digest(text: &str, seq: u64) -> Result<Sha256Digest, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("event {seq}: {text} is not a sha256 digest")))
}

/// The leaves of record entry `seq` (with chain hash `hash`), the first at
/// `next_index`.
pub(crate) fn leaves_for(
    event: &CaseEvent,
    seq: u64,
    hash: &[u8; 32],
    next_index: u64,
    misplaced: Misplaced,
) -> Result<Vec<NewLeaf>, StoreError> {
    let mut entries = Vec::with_capacity(2);
    if let CaseEvent::EvidenceCaptured {
        kind,
        digest: file,
        size,
        captured_at,
        log_index,
        original_digest,
        ..
    } = event
    {
        if *log_index != next_index {
            return Err(match misplaced {
                Misplaced::Conflict => StoreError::Conflict,
                Misplaced::Corrupt => StoreError::Corrupt(format!(
                    "event {seq} names log index {log_index}, but its leaf is {next_index}"
                )),
            });
        }
        let original = match original_digest {
            Some(text) => Some(digest(text, seq)?),
            None => None,
        };
        entries.push(LogEntry::Evidence {
            digest: digest(file, seq)?,
            kind: match kind {
                EvidenceKind::Capture => LogKind::Capture,
                EvidenceKind::Upload => LogKind::Upload,
                EvidenceKind::Recapture => LogKind::Recapture,
            },
            captured_at: *captured_at,
            size: *size,
            original,
        });
    }
    entries.push(LogEntry::CaseEvent {
        seq,
        hash: Sha256Digest(*hash),
    });
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(offset, entry)| {
            let entry = entry.to_bytes();
            NewLeaf {
                index: next_index + offset as u64,
                leaf_hash: leaf_hash(&entry),
                entry,
                seq,
            }
        })
        .collect())
}

/// Sets each `evidence_captured` event's `log_index` to where its item's leaf
/// will land when `events` are appended to a log of `log_size` leaves: for
/// every event, its item's leaf (if any) and then its own. A writer calls
/// this just before `append_with`; if the log moved on meanwhile, the append
/// is a `Conflict` and the writer tries again.
pub fn place_evidence_leaves(events: &mut [CaseEvent], log_size: u64) {
    let mut next = log_size;
    for event in events {
        if let CaseEvent::EvidenceCaptured { log_index, .. } = event {
            *log_index = next;
            next += 1;
        }
        next += 1;
    }
}

/// `Store::verify_log`, for both stores: walks the record and the log side by
/// side, page by page (memory stays flat: the tree is kept as its frontier).
pub(crate) async fn verify_log<S: Store + Maintenance>(
    store: &S,
) -> Result<LogSummary, VerifyError> {
    let latest = store.latest_checkpoint().await?;
    let mut frontier = Frontier::default();
    let mut evidence = 0u64;
    let mut stored: std::collections::VecDeque<crate::LogLeaf> = Default::default();
    let mut next_to_read = 0u64;
    let mut checked_latest = latest.as_ref().is_some_and(|checkpoint| {
        checkpoint.tree_size == 0 && checkpoint.root == qorgau_evidence::merkle::empty_root()
    });
    let mut after = 0u64;
    loop {
        let page = store.entries_after(after, LOG_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.entry.seq;
        for stored_entry in page {
            let entry = &stored_entry.entry;
            let event = rows::decode(&entry.payload, entry.seq as i64)?;
            let expected = match leaves_for(
                &event,
                entry.seq,
                &entry.hash,
                frontier.size(),
                Misplaced::Conflict,
            ) {
                Ok(leaves) => leaves,
                Err(StoreError::Conflict) => {
                    return Err(LogBreak::Leaf {
                        index: frontier.size(),
                        seq: entry.seq,
                        fault: "is not at the index its evidence event names",
                    }
                    .into());
                }
                Err(error) => return Err(error.into()),
            };
            if expected.len() > 1 {
                evidence += 1;
            }
            for leaf in expected {
                if stored.is_empty() {
                    stored.extend(store.log_leaves(next_to_read, LOG_PAGE).await?);
                    next_to_read += stored.len() as u64;
                }
                let fault = match stored.pop_front() {
                    None => Some("is missing"),
                    Some(found) if found.index != leaf.index => Some("is missing"),
                    Some(found) if found.entry != leaf.entry => {
                        Some("differs from the record entry it mirrors")
                    }
                    Some(found) if found.leaf_hash != leaf.leaf_hash => {
                        Some("has a leaf hash that is not its entry's")
                    }
                    Some(_) => None,
                };
                if let Some(fault) = fault {
                    return Err(LogBreak::Leaf {
                        index: leaf.index,
                        seq: leaf.seq,
                        fault,
                    }
                    .into());
                }
                frontier.push(leaf.leaf_hash);
                if let Some(checkpoint) = &latest
                    && checkpoint.tree_size == frontier.size()
                {
                    if checkpoint.root != frontier.root() {
                        return Err(LogBreak::Checkpoint {
                            tree_size: checkpoint.tree_size,
                        }
                        .into());
                    }
                    checked_latest = true;
                }
            }
        }
    }
    let found = store.log_size().await?;
    if found != frontier.size() {
        return Err(LogBreak::Extra {
            expected: frontier.size(),
            found,
        }
        .into());
    }
    if let Some(checkpoint) = &latest
        && !checked_latest
    {
        return Err(LogBreak::Checkpoint {
            tree_size: checkpoint.tree_size,
        }
        .into());
    }
    Ok(LogSummary {
        leaves: frontier.size(),
        evidence,
        root: frontier.root(),
        latest,
    })
}

/// The right edge of an RFC 6962 tree: the roots of its complete subtrees,
/// largest first. Enough to know the root at every size while leaves stream
/// past, in O(log n) memory (`verify_log` checks checkpoints this way).
#[derive(Debug, Default, Clone)]
pub(crate) struct Frontier {
    /// `(level, hash)`, levels strictly decreasing.
    stack: Vec<(u32, Hash)>,
    size: u64,
}

impl Frontier {
    pub fn push(&mut self, leaf: Hash) {
        let mut node = (0u32, leaf);
        while let Some(&(level, left)) = self.stack.last() {
            if level != node.0 {
                break;
            }
            self.stack.pop();
            node = (level + 1, node_hash(&left, &node.1));
        }
        self.stack.push(node);
        self.size += 1;
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root of the tree so far: the complete subtrees joined right to
    /// left, which is RFC 6962's split read bottom-up.
    pub fn root(&self) -> Hash {
        let mut nodes = self.stack.iter().rev();
        let Some(&(_, mut root)) = nodes.next() else {
            return qorgau_evidence::merkle::empty_root();
        };
        for (_, left) in nodes {
            root = node_hash(left, &root);
        }
        root
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use qorgau_evidence::merkle::{MemoryLeafStore, MerkleLog};

    #[test]
    fn the_frontier_root_is_the_tree_root_at_every_size() {
        let mut log = MerkleLog::new(MemoryLeafStore::new());
        let mut frontier = Frontier::default();
        assert_eq!(frontier.root(), log.root(0).unwrap());
        for number in 0u32..70 {
            let entry = number.to_be_bytes();
            log.append(&entry).unwrap();
            frontier.push(leaf_hash(&entry));
            assert_eq!(frontier.size(), u64::from(number) + 1);
            assert_eq!(frontier.root(), log.root(frontier.size()).unwrap());
        }
    }

    #[test]
    fn an_evidence_event_puts_its_item_before_its_own_leaf() {
        let event = CaseEvent::EvidenceCaptured {
            evidence_id: "ev_1".into(),
            kind: EvidenceKind::Capture,
            url: "https://example.kz/post".into(),
            digest: Sha256Digest::of(b"warc").to_string(),
            size: 4,
            captured_at: "2026-12-02T05:00:00Z".parse().unwrap(),
            log_index: 7,
            http_status: 200,
            problem: None,
            original_id: None,
            original_digest: None,
            fingerprint: None,
            browser: None,
            stripped: None,
        };
        let leaves = leaves_for(&event, 5, &[9; 32], 7, Misplaced::Conflict).unwrap();
        assert_eq!(leaves.len(), 2);
        assert_eq!((leaves[0].index, leaves[1].index), (7, 8));
        let text = String::from_utf8(leaves[0].entry.clone()).unwrap();
        assert_eq!(
            text,
            format!(
                "{{\"type\":\"evidence\",\"digest\":\"{}\",\"kind\":\"capture\",\
                 \"captured_at\":\"2026-12-02T05:00:00Z\",\"size\":4}}",
                Sha256Digest::of(b"warc")
            )
        );
        assert!(
            String::from_utf8(leaves[1].entry.clone())
                .unwrap()
                .starts_with("{\"type\":\"case_event\",\"seq\":5,")
        );
        assert!(matches!(
            leaves_for(&event, 5, &[9; 32], 8, Misplaced::Conflict),
            Err(StoreError::Conflict)
        ));
        assert!(matches!(
            leaves_for(&event, 5, &[9; 32], 8, Misplaced::Corrupt),
            Err(StoreError::Corrupt(_))
        ));
    }
}
