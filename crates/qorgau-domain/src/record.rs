//! The tamper-evident case record: every event of every case in one hash chain.
//!
//! The encoding is specified byte by byte in `docs/case-record.md` so an auditor
//! can re-implement it. In short, for the entry with sequence number `seq`:
//!
//! ```text
//! hash = SHA-256( "qorgau/case-record/v1" 0x00
//!                 u64be(seq)
//!                 field(case_id) field(event_type) field(payload)
//!                 field(actor) field(recorded_at)
//!                 prev_hash )            -- 32 bytes; 32 zero bytes for seq 1
//! field(x) = u32be(byte length of x) ‖ UTF-8 bytes of x
//! ```
//!
//! Length prefixes make the encoding injective: no two different entries hash
//! the same bytes (without them, moving a character from `actor` to
//! `recorded_at` would keep the hash).

use sha2::{Digest, Sha256};

/// The domain-separation prefix of every entry hash.
pub const DOMAIN: &[u8] = b"qorgau/case-record/v1\0";

/// The previous hash of the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// One entry of the case record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordEntry {
    /// 1, 2, 3, … without gaps, across all cases.
    pub seq: u64,
    pub case_id: String,
    pub event_type: String,
    /// The event as canonical JSON (see [`canonical_json`]).
    pub payload: String,
    pub actor: String,
    /// RFC 3339 in UTC, as stored.
    pub recorded_at: String,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

fn push_field(hasher: &mut Sha256, field: &str) {
    // Fields are bounded far below 4 GiB by the store; saturate rather than wrap.
    let length = u32::try_from(field.len()).unwrap_or(u32::MAX);
    hasher.update(length.to_be_bytes());
    hasher.update(field.as_bytes());
}

/// The hash of an entry from its parts.
pub fn entry_hash(
    seq: u64,
    case_id: &str,
    event_type: &str,
    payload: &str,
    actor: &str,
    recorded_at: &str,
    prev_hash: &[u8; 32],
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN);
    hasher.update(seq.to_be_bytes());
    push_field(&mut hasher, case_id);
    push_field(&mut hasher, event_type);
    push_field(&mut hasher, payload);
    push_field(&mut hasher, actor);
    push_field(&mut hasher, recorded_at);
    hasher.update(prev_hash);
    hasher.finalize().into()
}

/// Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant
/// white space, strings escaped as serde_json does (RFC 8259 minimal escaping).
/// `serde_json::Value` keeps keys in a `BTreeMap`, so printing a `Value` is canonical.
pub fn canonical_json<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let tree = serde_json::to_value(value)?;
    serde_json::to_string(&tree)
}

impl RecordEntry {
    /// Builds the entry that follows `prev_hash`, computing its hash.
    pub fn seal(
        seq: u64,
        case_id: String,
        event_type: String,
        payload: String,
        actor: String,
        recorded_at: String,
        prev_hash: [u8; 32],
    ) -> RecordEntry {
        let hash = entry_hash(
            seq,
            &case_id,
            &event_type,
            &payload,
            &actor,
            &recorded_at,
            &prev_hash,
        );
        RecordEntry {
            seq,
            case_id,
            event_type,
            payload,
            actor,
            recorded_at,
            prev_hash,
            hash,
        }
    }

    fn recompute(&self) -> [u8; 32] {
        entry_hash(
            self.seq,
            &self.case_id,
            &self.event_type,
            &self.payload,
            &self.actor,
            &self.recorded_at,
            &self.prev_hash,
        )
    }
}

/// What is wrong with an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainFault {
    /// The sequence numbers skip or repeat.
    Gap { expected: u64 },
    /// The entry does not point at the hash of the entry before it.
    BrokenLink,
    /// The entry's contents do not match its hash.
    HashMismatch,
    /// The payload is not canonical JSON, or its `type` disagrees with `event_type`.
    NotCanonical,
}

/// The first bad entry of a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the case record is broken at sequence number {seq}: {fault:?}")]
pub struct ChainBreak {
    pub seq: u64,
    pub fault: ChainFault,
}

/// The result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSummary {
    pub entries: u64,
    pub head: [u8; 32],
}

/// Checks entries one at a time, in order. Feed it every entry from seq 1.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: u64,
    head: [u8; 32],
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            expected_seq: 1,
            head: GENESIS,
        }
    }
}

impl ChainVerifier {
    pub fn check(&mut self, entry: &RecordEntry) -> Result<(), ChainBreak> {
        let fail = |fault| {
            Err(ChainBreak {
                seq: entry.seq,
                fault,
            })
        };
        if entry.seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq,
                fault: ChainFault::Gap {
                    expected: self.expected_seq,
                },
            });
        }
        if entry.prev_hash != self.head {
            return fail(ChainFault::BrokenLink);
        }
        if entry.recompute() != entry.hash {
            return fail(ChainFault::HashMismatch);
        }
        if !payload_is_canonical(&entry.payload, &entry.event_type) {
            return fail(ChainFault::NotCanonical);
        }
        self.expected_seq += 1;
        self.head = entry.hash;
        Ok(())
    }

    pub fn finish(self) -> ChainSummary {
        ChainSummary {
            entries: self.expected_seq - 1,
            head: self.head,
        }
    }
}

fn payload_is_canonical(payload: &str, event_type: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(payload) else {
        return false;
    };
    value.get("type").and_then(|kind| kind.as_str()) == Some(event_type)
        && serde_json::to_string(&value).is_ok_and(|again| again == payload)
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a RecordEntry>,
) -> Result<ChainSummary, ChainBreak> {
    let mut verifier = ChainVerifier::default();
    for entry in entries {
        verifier.check(entry)?;
    }
    Ok(verifier.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(length: u64) -> Vec<RecordEntry> {
        let mut entries: Vec<RecordEntry> = Vec::new();
        for seq in 1..=length {
            let prev = entries.last().map(|entry| entry.hash).unwrap_or(GENESIS);
            entries.push(RecordEntry::seal(
                seq,
                format!("QG-2026-{:06}", seq % 3 + 1),
                "case_closed".to_owned(),
                format!(
                    r#"{{"closed_at":"2026-11-28T10:00:0{}Z","type":"case_closed"}}"#,
                    seq % 10
                ),
                "coordinator".to_owned(),
                "2026-11-28T10:00:00Z".to_owned(),
                prev,
            ));
        }
        entries
    }

    #[test]
    fn known_answer_for_the_first_entry() {
        // Pinned so that a change to the encoding cannot go unnoticed; the same
        // value is computed step by step in docs/case-record.md.
        let entry = RecordEntry::seal(
            1,
            "QG-2026-000001".to_owned(),
            "application_registered".to_owned(),
            r#"{"type":"application_registered"}"#.to_owned(),
            "qorgau".to_owned(),
            "2026-11-28T10:00:00Z".to_owned(),
            GENESIS,
        );
        assert_eq!(
            hex::encode(entry.hash),
            "d03260b495e7b228228459fa0a92c00050ac192485a8e89fd5750731fce8edb7"
        );
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(20);
        let summary = verify_chain(&entries).unwrap();
        assert_eq!(summary.entries, 20);
        assert_eq!(summary.head, entries[19].hash);
    }

    #[test]
    fn a_missing_entry_is_a_gap() {
        let mut entries = chain(5);
        entries.remove(2);
        let error = verify_chain(&entries).unwrap_err();
        assert_eq!(
            error,
            ChainBreak {
                seq: 3,
                fault: ChainFault::Gap { expected: 3 }
            }
        );
    }

    #[test]
    fn a_non_canonical_payload_is_reported() {
        let entry = RecordEntry::seal(
            1,
            "c".into(),
            "case_closed".into(),
            r#"{"type": "case_closed"}"#.into(),
            "a".into(),
            "t".into(),
            GENESIS,
        );
        assert_eq!(
            verify_chain([&entry]).unwrap_err().fault,
            ChainFault::NotCanonical
        );
    }

    #[test]
    fn canonical_json_sorts_keys() {
        #[derive(serde::Serialize)]
        struct Unsorted {
            zeta: u8,
            alpha: &'static str,
        }
        assert_eq!(
            canonical_json(&Unsorted {
                zeta: 1,
                alpha: "қ"
            })
            .unwrap(),
            r#"{"alpha":"қ","zeta":1}"#
        );
    }

    proptest! {
        // Failures are reported, not written into the source tree.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        /// Changing any single byte of any stored field makes verification fail
        /// at exactly that entry.
        #[test]
        fn any_changed_byte_is_caught_at_its_entry(
            target in 0usize..12,
            field in 0usize..5,
            position in any::<prop::sample::Index>(),
            flip in 1u8..=255,
        ) {
            let mut entries = chain(12);
            let entry = &mut entries[target];
            let text = match field {
                0 => &mut entry.case_id,
                1 => &mut entry.event_type,
                2 => &mut entry.payload,
                3 => &mut entry.actor,
                _ => &mut entry.recorded_at,
            };
            let mut bytes = std::mem::take(text).into_bytes();
            let index = position.index(bytes.len());
            bytes[index] ^= flip;
            // Stored text is UTF-8; a flip that breaks UTF-8 is stored lossily.
            *text = String::from_utf8_lossy(&bytes).into_owned();
            let error = verify_chain(&entries).unwrap_err();
            prop_assert_eq!(error.seq, target as u64 + 1);
        }

        #[test]
        fn any_changed_hash_byte_is_caught(target in 0usize..12, index in 0usize..32, flip in 1u8..=255) {
            let mut entries = chain(12);
            entries[target].hash[index] ^= flip;
            let error = verify_chain(&entries).unwrap_err();
            prop_assert_eq!(error.seq, target as u64 + 1);
            prop_assert_eq!(error.fault, ChainFault::HashMismatch);
        }
    }
}
