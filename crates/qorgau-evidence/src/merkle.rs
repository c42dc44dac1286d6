//! The transparency log's Merkle tree: RFC 6962 §2.1 hashing, RFC 9162 §2.1.3
//! inclusion proofs and §2.1.4 consistency proofs, generation and verification.
//!
//! Hashing (RFC 6962 §2.1, RFC 9162 §2.1.1), with domain separation so a leaf
//! can never be passed off as an interior node:
//!
//! ```text
//! leaf hash = SHA-256(0x00 || entry)
//! node hash = SHA-256(0x01 || left || right)
//! MTH({})   = SHA-256()                       (the empty tree)
//! MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))  k = largest power of two < n
//! ```
//!
//! Storage. Every complete, aligned subtree (size 2^level, starting at a
//! multiple of 2^level) is hashed once, when its last leaf is appended, and
//! kept by the [`LeafStore`]. In the RFC's recursion every left child is such a
//! subtree, so any range hash needs at most one lookup per level and a proof
//! for a tree of a million leaves costs a few dozen lookups and hashes instead
//! of rehashing the tree. Storage is two hashes per leaf.

use sha2::{Digest as _, Sha256};

/// A SHA-256 tree hash.
pub type Hash = [u8; 32];

/// RFC 6962 §2.1: the prefix of a leaf hash.
const LEAF_PREFIX: u8 = 0x00;
/// RFC 6962 §2.1: the prefix of an interior node hash.
const NODE_PREFIX: u8 = 0x01;

/// `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(entry);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([NODE_PREFIX]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: `SHA-256()` of no bytes (RFC 6962 §2.1).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly smaller than `n` (n ≥ 2): where RFC 6962
/// splits a tree of `n` leaves.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Where the log keeps its leaves and the hashes of its complete subtrees.
///
/// `subtree(level, index)` is the hash of leaves `[index·2^level,
/// (index+1)·2^level)`; level 0 is the leaf hashes. An implementation only has
/// to remember what [`LeafStore::append`] gave it: the log computes every hash.
pub trait LeafStore {
    type Error: std::error::Error + Send + Sync + 'static;

    /// The number of leaves.
    fn size(&self) -> Result<u64, Self::Error>;

    /// A complete subtree's hash, only asked for subtrees inside the log.
    fn subtree(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;

    /// Appends leaf number `size()` — its entry bytes and the hashes of the
    /// complete subtrees it completes: `completed[level]` is the subtree at
    /// `level` that ends with this leaf (`completed[0]` is its leaf hash). Must
    /// be atomic: all of it or nothing.
    fn append(&mut self, entry: &[u8], completed: &[Hash]) -> Result<(), Self::Error>;

    /// The entry bytes of leaf `index`.
    fn entry(&self, index: u64) -> Result<Vec<u8>, Self::Error>;
}

/// A [`LeafStore`] in memory: for tests, benchmarks, and as a cache of the
/// hashes in front of a database ([`MemoryLeafStore::hashes_only`]).
#[derive(Debug, Default, Clone)]
pub struct MemoryLeafStore {
    /// Empty when only hashes are kept.
    entries: Vec<Vec<u8>>,
    /// `levels[level][index]`.
    levels: Vec<Vec<Hash>>,
    hashes_only: bool,
}

/// A subtree or entry the memory store does not hold (a caller bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the log holds no node at level {level}, index {index}")]
pub struct MissingNode {
    pub level: u32,
    pub index: u64,
}

impl MemoryLeafStore {
    pub fn new() -> MemoryLeafStore {
        MemoryLeafStore::default()
    }

    /// A store of the subtree hashes alone — every proof and root, in about
    /// 64 bytes per leaf instead of 300 with the entries — for a log whose
    /// entries live elsewhere (the service's, in the database). Its
    /// [`LeafStore::entry`] answers `MissingNode` at level 0.
    pub fn hashes_only() -> MemoryLeafStore {
        MemoryLeafStore {
            hashes_only: true,
            ..MemoryLeafStore::default()
        }
    }
}

impl LeafStore for MemoryLeafStore {
    type Error = MissingNode;

    fn size(&self) -> Result<u64, MissingNode> {
        Ok(self.levels.first().map_or(0, Vec::len) as u64)
    }

    fn subtree(&self, level: u32, index: u64) -> Result<Hash, MissingNode> {
        self.levels
            .get(level as usize)
            .and_then(|hashes| hashes.get(usize::try_from(index).ok()?))
            .copied()
            .ok_or(MissingNode { level, index })
    }

    fn append(&mut self, entry: &[u8], completed: &[Hash]) -> Result<(), MissingNode> {
        for (level, hash) in completed.iter().enumerate() {
            if self.levels.len() <= level {
                self.levels.push(Vec::new());
            }
            if let Some(hashes) = self.levels.get_mut(level) {
                hashes.push(*hash);
            }
        }
        if !self.hashes_only {
            self.entries.push(entry.to_vec());
        }
        Ok(())
    }

    fn entry(&self, index: u64) -> Result<Vec<u8>, MissingNode> {
        usize::try_from(index)
            .ok()
            .and_then(|index| self.entries.get(index))
            .cloned()
            .ok_or(MissingNode { level: 0, index })
    }
}

/// Why the log could not answer.
#[derive(Debug, thiserror::Error)]
pub enum LogError<E: std::error::Error + 'static> {
    #[error("leaf {index} is not in a tree of {tree_size} leaves")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    #[error("the log has {size} leaves; a tree of {requested} was asked for")]
    TreeTooLarge { requested: u64, size: u64 },
    #[error("a consistency proof from {old_size} to {new_size} leaves: the old tree is larger")]
    OldTreeLarger { old_size: u64, new_size: u64 },
    #[error("the leaf store failed: {0}")]
    Store(#[source] E),
}

/// An append-only RFC 6962 log over a [`LeafStore`].
#[derive(Debug, Clone, Default)]
pub struct MerkleLog<S> {
    store: S,
}

impl<S: LeafStore> MerkleLog<S> {
    pub fn new(store: S) -> MerkleLog<S> {
        MerkleLog { store }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    /// The number of leaves.
    pub fn size(&self) -> Result<u64, LogError<S::Error>> {
        self.store.size().map_err(LogError::Store)
    }

    /// Appends an entry and returns its index. Hashes the leaf and the
    /// subtrees it completes: amortized two hashes per append.
    pub fn append(&mut self, entry: &[u8]) -> Result<u64, LogError<S::Error>> {
        let index = self.size()?;
        let mut completed = vec![leaf_hash(entry)];
        // Leaf `index` completes the subtree at level L when the L lowest bits
        // of `index` are all ones; its left sibling at each level is already stored.
        let mut position = index;
        let mut level = 0u32;
        while position & 1 == 1 {
            let left = self
                .store
                .subtree(level, position - 1)
                .map_err(LogError::Store)?;
            let right = completed[level as usize];
            completed.push(node_hash(&left, &right));
            position >>= 1;
            level += 1;
        }
        self.store
            .append(entry, &completed)
            .map_err(LogError::Store)?;
        Ok(index)
    }

    /// The entry bytes of leaf `index`.
    pub fn entry(&self, index: u64) -> Result<Vec<u8>, LogError<S::Error>> {
        let tree_size = self.size()?;
        if index >= tree_size {
            return Err(LogError::IndexOutOfRange { index, tree_size });
        }
        self.store.entry(index).map_err(LogError::Store)
    }

    /// The leaf hash of leaf `index`: what an entry kept elsewhere must hash
    /// to ([`leaf_hash`]) to be this log's.
    pub fn leaf_hash(&self, index: u64) -> Result<Hash, LogError<S::Error>> {
        let tree_size = self.size()?;
        if index >= tree_size {
            return Err(LogError::IndexOutOfRange { index, tree_size });
        }
        self.store.subtree(0, index).map_err(LogError::Store)
    }

    fn check_size(&self, requested: u64) -> Result<(), LogError<S::Error>> {
        let size = self.size()?;
        if requested > size {
            return Err(LogError::TreeTooLarge { requested, size });
        }
        Ok(())
    }

    /// MTH(D[start:end]) with the RFC's split. `start` is always aligned to the
    /// subtree sizes the recursion produces, so each left part is one lookup.
    fn range_hash(&self, start: u64, end: u64) -> Result<Hash, LogError<S::Error>> {
        let count = end - start;
        if count == 0 {
            return Ok(empty_root());
        }
        if count.is_power_of_two() && start.is_multiple_of(count) {
            let level = count.trailing_zeros();
            return self
                .store
                .subtree(level, start >> level)
                .map_err(LogError::Store);
        }
        let split = split_point(count);
        let left = self.range_hash(start, start + split)?;
        let right = self.range_hash(start + split, end)?;
        Ok(node_hash(&left, &right))
    }

    /// The root hash of the first `tree_size` leaves (any size up to the current one).
    pub fn root(&self, tree_size: u64) -> Result<Hash, LogError<S::Error>> {
        self.check_size(tree_size)?;
        self.range_hash(0, tree_size)
    }

    /// RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of
    /// `tree_size` leaves, ordered from the leaf's sibling up to the root's child.
    pub fn inclusion_proof(
        &self,
        index: u64,
        tree_size: u64,
    ) -> Result<Vec<Hash>, LogError<S::Error>> {
        self.check_size(tree_size)?;
        if index >= tree_size {
            return Err(LogError::IndexOutOfRange { index, tree_size });
        }
        // PATH(m, D[n]) walked from the top: at each split the sibling subtree
        // goes into the proof and we descend towards the leaf.
        let mut proof = Vec::new();
        let (mut start, mut end) = (0u64, tree_size);
        while end - start > 1 {
            let middle = start + split_point(end - start);
            if index < middle {
                proof.push(self.range_hash(middle, end)?);
                end = middle;
            } else {
                proof.push(self.range_hash(start, middle)?);
                start = middle;
            }
        }
        proof.reverse();
        Ok(proof)
    }

    /// RFC 9162 §2.1.4.1: the proof that the tree of `old_size` leaves is a
    /// prefix of the tree of `new_size` leaves. Empty when `old_size` is 0 or
    /// equals `new_size`.
    pub fn consistency_proof(
        &self,
        old_size: u64,
        new_size: u64,
    ) -> Result<Vec<Hash>, LogError<S::Error>> {
        self.check_size(new_size)?;
        if old_size > new_size {
            return Err(LogError::OldTreeLarger { old_size, new_size });
        }
        let mut proof = Vec::new();
        if old_size == 0 || old_size == new_size {
            return Ok(proof);
        }
        // SUBPROOF(m, D[start:end], whole) walked from the top. `whole` is true
        // while the old tree is still the left edge of the current subtree: its
        // root is then known to the verifier and is not repeated.
        let (mut start, mut end, mut old) = (0u64, new_size, old_size);
        let mut whole = true;
        loop {
            let count = end - start;
            if old == count {
                if !whole {
                    proof.push(self.range_hash(start, end)?);
                }
                break;
            }
            let split = split_point(count);
            if old <= split {
                proof.push(self.range_hash(start + split, end)?);
                end = start + split;
            } else {
                proof.push(self.range_hash(start, start + split)?);
                start += split;
                old -= split;
                whole = false;
            }
        }
        proof.reverse();
        Ok(proof)
    }
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf {index} cannot be in a tree of {tree_size} leaves")]
    IndexOutOfRange { index: u64, tree_size: u64 },
    #[error("the proof has more hashes than a tree of this size needs")]
    TooLong,
    #[error("the proof has fewer hashes than a tree of this size needs")]
    TooShort,
    #[error("the proof leads to a different root hash")]
    RootMismatch,
    #[error("the old tree ({old_size} leaves) is larger than the new one ({new_size})")]
    OldTreeLarger { old_size: u64, new_size: u64 },
    #[error("trees of the same size must have the same root and an empty proof")]
    SameSizeMismatch,
}

/// RFC 9162 §2.1.3.2: the root that `proof` leads to from `leaf` at `index`
/// in a tree of `tree_size` leaves.
pub fn root_from_inclusion_proof(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index, tree_size });
    }
    let mut node = index;
    let mut last = tree_size - 1;
    let mut root = *leaf;
    for sibling in proof {
        if last == 0 {
            return Err(ProofError::TooLong);
        }
        if node & 1 == 1 || node == last {
            root = node_hash(sibling, &root);
            // A right-edge node with no sibling at this level moves up
            // unchanged until it is a right child again.
            if node & 1 == 0 {
                while node & 1 == 0 && node != 0 {
                    node >>= 1;
                    last >>= 1;
                }
            }
        } else {
            root = node_hash(&root, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(ProofError::TooShort);
    }
    Ok(root)
}

/// RFC 9162 §2.1.3.2: checks that `leaf` is at `index` in the tree with `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    let computed = root_from_inclusion_proof(leaf, index, tree_size, proof)?;
    if computed != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: checks that the tree (`old_size`, `old_root`) is a
/// prefix of the tree (`new_size`, `new_root`).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::OldTreeLarger { old_size, new_size });
    }
    if old_size == new_size {
        // Nothing was appended: the same tree, proved by no hashes.
        if !proof.is_empty() || old_root != new_root {
            return Err(ProofError::SameSizeMismatch);
        }
        return Ok(());
    }
    if old_size == 0 {
        // Every tree extends the empty tree.
        if !proof.is_empty() {
            return Err(ProofError::TooLong);
        }
        return Ok(());
    }
    if proof.is_empty() {
        return Err(ProofError::TooShort);
    }
    // Step 2: when the old tree is a complete subtree, its root is the first
    // node of the path and the proof leaves it out.
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(old_root);
    }
    path.extend(proof.iter());
    let mut node = old_size - 1;
    let mut last = new_size - 1;
    while node & 1 == 1 {
        node >>= 1;
        last >>= 1;
    }
    let mut hashes = path.into_iter();
    let first = hashes.next().ok_or(ProofError::TooShort)?;
    let mut old_hash = *first;
    let mut new_hash = *first;
    for sibling in hashes {
        if last == 0 {
            return Err(ProofError::TooLong);
        }
        if node & 1 == 1 || node == last {
            old_hash = node_hash(sibling, &old_hash);
            new_hash = node_hash(sibling, &new_hash);
            if node & 1 == 0 {
                while node & 1 == 0 && node != 0 {
                    node >>= 1;
                    last >>= 1;
                }
            }
        } else {
            new_hash = node_hash(&new_hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(ProofError::TooShort);
    }
    if old_hash != *old_root || new_hash != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Test vectors: the RFC 6962 reference tree of Certificate Transparency's
    //! `merkle_tree_test.cc`, as republished in transparency-dev/merkle
    //! (`testonly/constants.go`: leaf inputs, node and root hashes;
    //! `proof/verify_test.go`: inclusion and consistency proofs, there with
    //! 1-based leaf numbers — converted to 0-based indices here).

    use super::*;

    fn hash(text: &str) -> Hash {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).unwrap();
        bytes
    }

    fn reference_entries() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|text| hex::decode(text).unwrap())
        .collect()
    }

    const REFERENCE_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// (0-based index, tree size, proof).
    const REFERENCE_INCLUSION: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];

    /// (old size, new size, proof).
    const REFERENCE_CONSISTENCY: [(u64, u64, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];

    /// Complete-subtree hashes of the reference tree, `[level][index]`.
    const REFERENCE_NODES: [&[&str]; 4] = [
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ],
        &[
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ],
        &[
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
    ];

    fn reference_log() -> MerkleLog<MemoryLeafStore> {
        let mut log = MerkleLog::new(MemoryLeafStore::new());
        for entry in reference_entries() {
            log.append(&entry).unwrap();
        }
        log
    }

    fn hashes(texts: &[&str]) -> Vec<Hash> {
        texts.iter().map(|text| hash(text)).collect()
    }

    #[test]
    fn roots_match_the_reference_for_every_size() {
        let log = reference_log();
        assert_eq!(empty_root(), hash(REFERENCE_ROOTS[0]));
        for (size, expected) in REFERENCE_ROOTS.iter().enumerate() {
            assert_eq!(
                log.root(size as u64).unwrap(),
                hash(expected),
                "size {size}"
            );
        }
        // The log as a whole, grown one entry at a time, agrees too.
        let mut grown = MerkleLog::new(MemoryLeafStore::new());
        for (count, entry) in reference_entries().iter().enumerate() {
            grown.append(entry).unwrap();
            let size = count as u64 + 1;
            assert_eq!(
                grown.root(size).unwrap(),
                hash(REFERENCE_ROOTS[size as usize])
            );
        }
    }

    #[test]
    fn a_log_of_hashes_alone_answers_as_the_full_one_but_holds_no_entries() {
        let full = reference_log();
        let mut hashes_only = MerkleLog::new(MemoryLeafStore::hashes_only());
        let entries = reference_entries();
        for entry in &entries {
            hashes_only.append(entry).unwrap();
        }
        let size = entries.len() as u64;
        assert_eq!(hashes_only.size().unwrap(), size);
        for tree_size in 0..=size {
            assert_eq!(
                hashes_only.root(tree_size).unwrap(),
                full.root(tree_size).unwrap()
            );
            for index in 0..tree_size {
                assert_eq!(
                    hashes_only.inclusion_proof(index, tree_size).unwrap(),
                    full.inclusion_proof(index, tree_size).unwrap()
                );
            }
            assert_eq!(
                hashes_only.consistency_proof(tree_size, size).unwrap(),
                full.consistency_proof(tree_size, size).unwrap()
            );
        }
        for (index, entry) in entries.iter().enumerate() {
            assert_eq!(
                hashes_only.leaf_hash(index as u64).unwrap(),
                leaf_hash(entry)
            );
        }
        assert!(matches!(
            hashes_only.entry(0),
            Err(LogError::Store(MissingNode { level: 0, index: 0 }))
        ));
        assert!(matches!(
            hashes_only.leaf_hash(size),
            Err(LogError::IndexOutOfRange { .. })
        ));
        assert!(hashes_only.store().entries.is_empty());
    }

    #[test]
    fn stored_subtrees_match_the_reference_node_hashes() {
        let log = reference_log();
        for (level, nodes) in REFERENCE_NODES.iter().enumerate() {
            for (index, expected) in nodes.iter().enumerate() {
                assert_eq!(
                    log.store().subtree(level as u32, index as u64).unwrap(),
                    hash(expected),
                    "level {level} index {index}"
                );
            }
        }
    }

    #[test]
    fn inclusion_proofs_match_the_reference_and_verify() {
        let log = reference_log();
        let entries = reference_entries();
        for (index, tree_size, expected) in REFERENCE_INCLUSION {
            let proof = log.inclusion_proof(index, tree_size).unwrap();
            assert_eq!(proof, hashes(expected), "leaf {index} of {tree_size}");
            let leaf = leaf_hash(&entries[index as usize]);
            let root = hash(REFERENCE_ROOTS[tree_size as usize]);
            verify_inclusion(&leaf, index, tree_size, &proof, &root).unwrap();
        }
    }

    #[test]
    fn consistency_proofs_match_the_reference_and_verify() {
        let log = reference_log();
        for (old_size, new_size, expected) in REFERENCE_CONSISTENCY {
            let proof = log.consistency_proof(old_size, new_size).unwrap();
            assert_eq!(proof, hashes(expected), "{old_size} → {new_size}");
            let old_root = hash(REFERENCE_ROOTS[old_size as usize]);
            let new_root = hash(REFERENCE_ROOTS[new_size as usize]);
            verify_consistency(old_size, new_size, &old_root, &new_root, &proof).unwrap();
        }
    }

    /// The corruptions transparency-dev/merkle's verifier tests apply: each
    /// must fail.
    #[test]
    fn corrupted_inclusion_proofs_fail() {
        let entries = reference_entries();
        let some_hash = hash("abacaba000000000000000000000000000000000000000000060061e00123456");
        for (index, tree_size, expected) in REFERENCE_INCLUSION.iter().skip(1) {
            let (index, tree_size) = (*index, *tree_size);
            let proof = hashes(expected);
            let leaf = leaf_hash(&entries[index as usize]);
            let root = hash(REFERENCE_ROOTS[tree_size as usize]);
            let mut cases: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
                (index.wrapping_sub(1), tree_size, leaf, root, proof.clone()),
                (index + 1, tree_size, leaf, root, proof.clone()),
                (index ^ 2, tree_size, leaf, root, proof.clone()),
                (index, tree_size * 2, leaf, root, proof.clone()),
                (index, tree_size / 2, leaf, root, proof.clone()),
                (
                    index,
                    tree_size,
                    leaf_hash(b"WrongLeaf"),
                    root,
                    proof.clone(),
                ),
                (index, tree_size, leaf, empty_root(), proof.clone()),
                (index, tree_size, leaf, some_hash, proof.clone()),
                (
                    index,
                    tree_size,
                    leaf,
                    root,
                    [proof.clone(), vec![root]].concat(),
                ),
                (
                    index,
                    tree_size,
                    leaf,
                    root,
                    [vec![root], proof.clone()].concat(),
                ),
                (
                    index,
                    tree_size,
                    leaf,
                    root,
                    proof[..proof.len() - 1].to_vec(),
                ),
            ];
            for position in 0..proof.len() {
                let mut flipped = proof.clone();
                flipped[position][0] ^= 8;
                cases.push((index, tree_size, leaf, root, flipped));
            }
            for (case, (index, tree_size, leaf, root, proof)) in cases.into_iter().enumerate() {
                assert!(
                    verify_inclusion(&leaf, index, tree_size, &proof, &root).is_err(),
                    "case {case} verified"
                );
            }
        }
    }

    #[test]
    fn corrupted_consistency_proofs_fail() {
        for (old_size, new_size, expected) in REFERENCE_CONSISTENCY.iter().skip(1) {
            let (old_size, new_size) = (*old_size, *new_size);
            let proof = hashes(expected);
            let old_root = hash(REFERENCE_ROOTS[old_size as usize]);
            let new_root = hash(REFERENCE_ROOTS[new_size as usize]);
            let wrong = leaf_hash(b"WrongRoot");
            let mut cases: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
                (old_size - 1, new_size, old_root, new_root, proof.clone()),
                (old_size + 1, new_size, old_root, new_root, proof.clone()),
                (old_size ^ 2, new_size, old_root, new_root, proof.clone()),
                (old_size, new_size * 2, old_root, new_root, proof.clone()),
                (old_size, new_size / 2, old_root, new_root, proof.clone()),
                (old_size, new_size, wrong, new_root, proof.clone()),
                (old_size, new_size, old_root, wrong, proof.clone()),
                (old_size, new_size, new_root, old_root, proof.clone()),
                (old_size, new_size, old_root, new_root, Vec::new()),
                (
                    old_size,
                    new_size,
                    old_root,
                    new_root,
                    [proof.clone(), vec![old_root]].concat(),
                ),
                (
                    old_size,
                    new_size,
                    old_root,
                    new_root,
                    [proof.clone(), vec![new_root]].concat(),
                ),
                (
                    old_size,
                    new_size,
                    old_root,
                    new_root,
                    [vec![old_root], proof.clone()].concat(),
                ),
                (
                    old_size,
                    new_size,
                    old_root,
                    new_root,
                    [vec![new_root], proof.clone()].concat(),
                ),
                (
                    old_size,
                    new_size,
                    old_root,
                    new_root,
                    [vec![proof[0]], proof.clone()].concat(),
                ),
                (
                    old_size,
                    new_size,
                    old_root,
                    new_root,
                    proof[..proof.len() - 1].to_vec(),
                ),
            ];
            for position in 0..proof.len() {
                let mut flipped = proof.clone();
                flipped[position][0] ^= 16;
                cases.push((old_size, new_size, old_root, new_root, flipped));
            }
            for (case, (old_size, new_size, old_root, new_root, proof)) in
                cases.into_iter().enumerate()
            {
                assert!(
                    verify_consistency(old_size, new_size, &old_root, &new_root, &proof).is_err(),
                    "case {case} verified ({old_size} → {new_size})"
                );
            }
        }
    }

    #[test]
    fn trivial_consistency_cases() {
        let root = empty_root();
        let other = leaf_hash(b"x");
        verify_consistency(0, 0, &root, &root, &[]).unwrap();
        verify_consistency(0, 1, &root, &other, &[]).unwrap();
        verify_consistency(1, 1, &other, &other, &[]).unwrap();
        assert!(verify_consistency(1, 1, &root, &other, &[]).is_err());
        assert!(verify_consistency(1, 0, &root, &other, &[]).is_err());
        assert!(verify_consistency(0, 1, &root, &other, &[root]).is_err());
        assert!(verify_consistency(1, 2, &root, &other, &[]).is_err());
    }

    #[test]
    fn requests_beyond_the_log_are_refused() {
        let log = reference_log();
        assert!(matches!(
            log.root(9),
            Err(LogError::TreeTooLarge {
                requested: 9,
                size: 8
            })
        ));
        assert!(matches!(
            log.inclusion_proof(8, 8),
            Err(LogError::IndexOutOfRange { .. })
        ));
        assert!(matches!(
            log.consistency_proof(5, 4),
            Err(LogError::OldTreeLarger { .. })
        ));
        assert_eq!(log.entry(3).unwrap(), hex::decode("2021").unwrap());
    }

    /// An independent implementation, the `ct-merkle` crate (0.3, RFC 6962
    /// mode, on the same `sha2` 0.11): same roots, same proof bytes, and each
    /// side's proofs verify with the other's verifier.
    mod against_ct_merkle {
        use super::*;
        use ct_merkle::mem_backed_tree::MemoryBackedTree;
        use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
        use proptest::prelude::*;

        fn trees(
            entries: &[Vec<u8>],
        ) -> (
            MerkleLog<MemoryLeafStore>,
            MemoryBackedTree<Sha256, Vec<u8>>,
        ) {
            let mut ours = MerkleLog::new(MemoryLeafStore::new());
            let mut theirs = MemoryBackedTree::<Sha256, Vec<u8>>::new();
            for entry in entries {
                ours.append(entry).unwrap();
                theirs.push(entry.clone());
            }
            (ours, theirs)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            #[test]
            fn roots_and_proofs_agree(
                entries in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..12), 1..140),
                index_seed in any::<u64>(),
                old_seed in any::<u64>(),
            ) {
                let size = entries.len() as u64;
                let (ours, theirs) = trees(&entries);
                let root = ours.root(size).unwrap();
                let their_root = theirs.root();
                prop_assert_eq!(&root[..], &their_root.as_bytes()[..]);

                let index = index_seed % size;
                let proof = ours.inclusion_proof(index, size).unwrap();
                let their_proof = theirs.prove_inclusion(index as usize);
                prop_assert_eq!(proof.concat(), their_proof.as_bytes().to_vec());
                prop_assert!(their_root
                    .verify_inclusion(&entries[index as usize], index, &InclusionProof::<Sha256>::from_digests(proof.iter().map(|hash| hash.into())))
                    .is_ok());
                verify_inclusion(&leaf_hash(&entries[index as usize]), index, size, &proof, &root).unwrap();

                // ct-merkle proves consistency of its whole tree with a prefix.
                let old_size = 1 + old_seed % size;
                if old_size < size {
                    let proof = ours.consistency_proof(old_size, size).unwrap();
                    let their_proof = theirs.prove_consistency((size - old_size) as usize);
                    prop_assert_eq!(proof.concat(), their_proof.as_bytes().to_vec());
                    let old_root = ours.root(old_size).unwrap();
                    let (old_tree, _) = trees(&entries[..old_size as usize]);
                    prop_assert_eq!(old_tree.root(old_size).unwrap(), old_root);
                    let their_old_root = RootHash::<Sha256>::new(old_root.into(), old_size);
                    prop_assert!(their_root
                        .verify_consistency(&their_old_root, &ConsistencyProof::<Sha256>::from_digests(proof.iter().map(|hash| hash.into())))
                        .is_ok());
                    verify_consistency(old_size, size, &old_root, &root, &proof).unwrap();
                }
            }

            /// Every proof of every leaf and prefix of a tree verifies, and
            /// fails for any other index.
            #[test]
            fn every_proof_verifies_only_where_it_belongs(size in 1u64..70) {
                let entries: Vec<Vec<u8>> = (0..size).map(|number| number.to_be_bytes().to_vec()).collect();
                let (ours, _) = trees(&entries);
                let root = ours.root(size).unwrap();
                for index in 0..size {
                    let proof = ours.inclusion_proof(index, size).unwrap();
                    let leaf = leaf_hash(&entries[index as usize]);
                    verify_inclusion(&leaf, index, size, &proof, &root).unwrap();
                    for other in (0..size).filter(|other| *other != index) {
                        prop_assert!(verify_inclusion(&leaf, other, size, &proof, &root).is_err());
                    }
                }
                for old_size in 0..=size {
                    let proof = ours.consistency_proof(old_size, size).unwrap();
                    let old_root = ours.root(old_size).unwrap();
                    verify_consistency(old_size, size, &old_root, &root, &proof).unwrap();
                }
            }
        }
    }
}
