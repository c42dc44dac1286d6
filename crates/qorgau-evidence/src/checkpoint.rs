//! Signed tree heads: a C2SP tlog-checkpoint body inside a C2SP signed note,
//! signed with the log's Ed25519 key.
//!
//! ```text
//! qorgau.example.kz/log                      ← origin
//! 42                                          ← tree size, decimal
//! fL2gvS5x…base64 root hash…=                 ← RFC 6962 root, standard base64
//!                                             ← blank line ends the note text
//! — qorgau.example.kz/log AbCd…base64(key ID ‖ signature)…
//! ```
//!
//! c2sp.org/signed-note: the signature is Ed25519 (RFC 8032) over the note
//! text including its final newline; a signature line is em dash (U+2014),
//! space, key name, space, base64(4-byte big-endian key ID ‖ 64-byte
//! signature); key ID = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4].
//! Keys are written the way the Go reference (golang.org/x/mod/sumdb/note)
//! writes them: the verifier key `name+<8 hex key ID>+base64(0x01 ‖ public
//! key)`, the signer key `PRIVATE+KEY+name+<8 hex key ID>+base64(0x01 ‖ seed)`.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

use data_encoding::BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

use crate::merkle::Hash;

/// c2sp.org/signed-note: the signature type byte of Ed25519.
const ED25519_TYPE: u8 = 0x01;
/// The signature line's lead: em dash and space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";
/// Verifiers must accept at least 16 signatures; more than this is refused.
const MAX_SIGNATURES: usize = 100;
const PRIVATE_KEY_PREFIX: &str = "PRIVATE+KEY+";

/// A problem with a key: its name, its text form, or its file.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("a key name must be non-empty and contain no spaces and no `+`: {0:?}")]
    InvalidName(String),
    #[error("not a key in the name+hash+base64 form: {0}")]
    Malformed(&'static str),
    #[error("the key's hash {stated:08x} does not match its name and key ({computed:08x})")]
    HashMismatch { stated: u32, computed: u32 },
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    #[error("the key file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn check_key_name(name: &str) -> Result<(), KeyError> {
    // c2sp.org/signed-note: non-empty, no Unicode spaces, no `+`. Control
    // characters would break the note's line structure, so they go too.
    if name.is_empty()
        || name.chars().any(|character| {
            character.is_whitespace() || character == '+' || character.is_control()
        })
    {
        return Err(KeyError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// c2sp.org/signed-note: SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], big-endian.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> u32 {
    let digest = key_hash(name, public_key);
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key): the key ID is its start.
fn key_hash(name: &str, public_key: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', ED25519_TYPE]);
    hasher.update(public_key);
    hasher.finalize().into()
}

/// The log's signing key: an Ed25519 key with its signed-note name.
/// `Debug` never shows the private key.
pub struct KeyPair {
    name: String,
    signing_key: SigningKey,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("KeyPair")
            .field("verifier_key", &self.verifier_key().to_string())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A new key from the operating system's random number generator.
    pub fn generate(name: &str) -> Result<KeyPair, KeyError> {
        check_key_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|error| KeyError::Random(error.to_string()))?;
        let key = KeyPair::from_seed(name, seed);
        seed.fill(0);
        key
    }

    /// A key from its 32-byte RFC 8032 seed (tests, and loading).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<KeyPair, KeyError> {
        check_key_name(name)?;
        Ok(KeyPair {
            name: name.to_owned(),
            signing_key: SigningKey::from_bytes(&seed),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public half, in the form verifiers are configured with.
    pub fn verifier_key(&self) -> VerifierKey {
        let public_key = self.signing_key.verifying_key();
        VerifierKey {
            name: self.name.clone(),
            key_id: key_id(&self.name, public_key.as_bytes()),
            public_key,
        }
    }

    /// `PRIVATE+KEY+name+<key ID>+base64(0x01 ‖ seed)`: the key file's content.
    pub fn to_private_text(&self) -> String {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(ED25519_TYPE);
        bytes.extend_from_slice(self.signing_key.as_bytes());
        let text = format!(
            "{PRIVATE_KEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.verifier_key().key_id,
            BASE64.encode(&bytes)
        );
        bytes.fill(0);
        text
    }

    /// Reads [`KeyPair::to_private_text`]'s form back.
    pub fn from_private_text(text: &str) -> Result<KeyPair, KeyError> {
        let rest = text
            .trim_end()
            .strip_prefix(PRIVATE_KEY_PREFIX)
            .ok_or(KeyError::Malformed(
                "a private key starts with PRIVATE+KEY+",
            ))?;
        let (name, stated_id, mut bytes) = split_key_text(rest)?;
        if bytes.len() != 33 || bytes[0] != ED25519_TYPE {
            return Err(KeyError::Malformed("not an Ed25519 private key"));
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes[1..]);
        bytes.fill(0);
        let key = KeyPair::from_seed(name, seed)?;
        seed.fill(0);
        let computed = key.verifier_key().key_id;
        if computed != stated_id {
            return Err(KeyError::HashMismatch {
                stated: stated_id,
                computed,
            });
        }
        Ok(key)
    }

    /// Writes the private key to `path` with mode 0600, atomically, and
    /// never over an existing file (a log key is replaced only by rotation,
    /// docs/evidence.md). Returns `AlreadyExists` as an `Io` error if present.
    pub fn save_new(&self, path: &Path) -> Result<(), KeyError> {
        let io_error = |source| KeyError::Io {
            path: path.display().to_string(),
            source,
        };
        let folder = path.parent().unwrap_or(Path::new("."));
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut suffix = [0u8; 8];
        getrandom::fill(&mut suffix).map_err(|error| KeyError::Random(error.to_string()))?;
        let temporary = folder.join(format!(".{file_name}.{}.tmp", hex::encode(suffix)));
        let result = (|| {
            let mut options = fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&temporary)?;
            file.write_all(self.to_private_text().as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            // A hard link fails if `path` exists: two initializations racing
            // cannot overwrite each other's key.
            fs::hard_link(&temporary, path)?;
            fs::File::open(folder)?.sync_all()
        })();
        let _ = fs::remove_file(&temporary);
        result.map_err(io_error)
    }

    /// Reads a key file written by [`KeyPair::save_new`].
    pub fn load(path: &Path) -> Result<KeyPair, KeyError> {
        let text = fs::read_to_string(path).map_err(|source| KeyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        KeyPair::from_private_text(&text)
    }

    /// The key at `path`, creating it (named `name`) when the file does not
    /// exist yet: what `qorgau init` and the first `serve` call. The flag says
    /// whether it was created.
    pub fn load_or_generate(path: &Path, name: &str) -> Result<(KeyPair, bool), KeyError> {
        match KeyPair::load(path) {
            Ok(key) => Ok((key, false)),
            Err(KeyError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                let key = KeyPair::generate(name)?;
                match key.save_new(path) {
                    Ok(()) => Ok((key, true)),
                    // Someone else created it first: theirs wins.
                    Err(KeyError::Io { source, .. })
                        if source.kind() == std::io::ErrorKind::AlreadyExists =>
                    {
                        Ok((KeyPair::load(path)?, false))
                    }
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }

    /// Signs `text` (which must end in a newline) as a signed note.
    pub fn sign_note(&self, text: &str) -> String {
        let signature: Signature = self.signing_key.sign(text.as_bytes());
        let mut signature_bytes = Vec::with_capacity(68);
        signature_bytes.extend_from_slice(&self.verifier_key().key_id.to_be_bytes());
        signature_bytes.extend_from_slice(&signature.to_bytes());
        format!(
            "{text}\n{SIGNATURE_PREFIX}{} {}\n",
            self.name,
            BASE64.encode(&signature_bytes)
        )
    }

    /// Signs a checkpoint.
    pub fn sign_checkpoint(&self, checkpoint: &Checkpoint) -> SignedCheckpoint {
        SignedCheckpoint {
            note: self.sign_note(&checkpoint.body()),
            checkpoint: checkpoint.clone(),
        }
    }
}

/// `name+<8 hex>+base64(...)`: name, stated key ID, decoded key bytes.
fn split_key_text(text: &str) -> Result<(&str, u32, Vec<u8>), KeyError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id_hex), Some(key_base64)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(KeyError::Malformed("expected name+hash+key"));
    };
    check_key_name(name)?;
    if id_hex.len() != 8 || !id_hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(KeyError::Malformed("the hash is 8 hex digits"));
    }
    let stated_id = u32::from_str_radix(id_hex, 16)
        .map_err(|_| KeyError::Malformed("the hash is 8 hex digits"))?;
    let bytes = BASE64
        .decode(key_base64.as_bytes())
        .map_err(|_| KeyError::Malformed("the key is not base64"))?;
    Ok((name, stated_id, bytes))
}

/// The log's public key as verifiers hold it.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_id: u32,
    public_key: VerifyingKey,
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "VerifierKey({self})")
    }
}

impl fmt::Display for VerifierKey {
    /// `name+<8 hex key ID>+base64(0x01 ‖ public key)`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(ED25519_TYPE);
        bytes.extend_from_slice(self.public_key.as_bytes());
        write!(
            formatter,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64.encode(&bytes)
        )
    }
}

impl std::str::FromStr for VerifierKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        let (name, stated_id, bytes) = split_key_text(text.trim())?;
        if bytes.len() != 33 || bytes[0] != ED25519_TYPE {
            return Err(KeyError::Malformed("not an Ed25519 public key"));
        }
        let mut public = [0u8; 32];
        public.copy_from_slice(&bytes[1..]);
        let public_key = VerifyingKey::from_bytes(&public)
            .map_err(|_| KeyError::Malformed("not a valid Ed25519 point"))?;
        let computed = key_id(name, &public);
        if computed != stated_id {
            return Err(KeyError::HashMismatch {
                stated: stated_id,
                computed,
            });
        }
        Ok(VerifierKey {
            name: name.to_owned(),
            key_id: stated_id,
            public_key,
        })
    }
}

impl VerifierKey {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The key's fingerprint for people to compare: the whole hash whose
    /// first four bytes are the key ID (SHA-256 of the name, a newline, the
    /// key type and the public key), `sha256:<hex>`.
    pub fn fingerprint(&self) -> crate::Sha256Digest {
        crate::Sha256Digest(key_hash(&self.name, self.public_key.as_bytes()))
    }
}

/// Why a signed note was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("not a signed note: {0}")]
    Malformed(&'static str),
    #[error("no signature by the key {0} (signed by another key?)")]
    NoKnownSignature(String),
    #[error("the signature by {0} does not verify: the note was altered or forged")]
    BadSignature(String),
}

/// c2sp.org/signed-note: checks `note` and returns its text (with the final
/// newline) when a signature by `key` verifies. Signatures by other keys are
/// ignored, as the spec requires.
pub fn open_note<'a>(note: &'a str, key: &VerifierKey) -> Result<&'a str, NoteError> {
    if note
        .chars()
        .any(|character| character.is_control() && character != '\n')
    {
        return Err(NoteError::Malformed(
            "control characters other than newline",
        ));
    }
    if !note.ends_with('\n') {
        return Err(NoteError::Malformed("it does not end with a newline"));
    }
    // The text is separated from the signatures by the last blank line.
    let split = note
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let text = &note[..split + 1];
    let signature_block = &note[split + 2..];
    let mut verified = false;
    let mut count = 0usize;
    for line in signature_block.lines() {
        count += 1;
        if count > MAX_SIGNATURES {
            return Err(NoteError::Malformed("too many signatures"));
        }
        let rest = line
            .strip_prefix(SIGNATURE_PREFIX)
            .ok_or(NoteError::Malformed(
                "a signature line starts with an em dash and a space",
            ))?;
        let (name, encoded) = rest.split_once(' ').ok_or(NoteError::Malformed(
            "a signature line is: — name signature",
        ))?;
        if name.is_empty() {
            return Err(NoteError::Malformed("a signature line names no key"));
        }
        let bytes = BASE64
            .decode(encoded.as_bytes())
            .map_err(|_| NoteError::Malformed("a signature is not base64"))?;
        if bytes.len() < 5 {
            return Err(NoteError::Malformed("a signature is too short"));
        }
        let id = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        if name != key.name || id != key.key_id {
            continue;
        }
        let signature = Signature::from_slice(&bytes[4..])
            .map_err(|_| NoteError::BadSignature(key.to_string()))?;
        key.public_key
            .verify_strict(text.as_bytes(), &signature)
            .map_err(|_| NoteError::BadSignature(key.to_string()))?;
        verified = true;
    }
    if count == 0 {
        return Err(NoteError::Malformed("no signature lines"));
    }
    if !verified {
        return Err(NoteError::NoKnownSignature(key.to_string()));
    }
    Ok(text)
}

/// The body of a c2sp.org/tlog-checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's unique name, a schema-less URL (`qorgau.example.kz/log`).
    pub origin: String,
    pub tree_size: u64,
    pub root_hash: Hash,
    /// Optional lines after the root hash (none written today).
    pub extensions: Vec<String>,
}

/// Why a checkpoint body does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a tlog checkpoint: {0}")]
pub struct CheckpointParseError(pub &'static str);

impl Checkpoint {
    pub fn new(origin: &str, tree_size: u64, root_hash: Hash) -> Checkpoint {
        Checkpoint {
            origin: origin.to_owned(),
            tree_size,
            root_hash,
            extensions: Vec::new(),
        }
    }

    /// The note text: origin, size, base64 root, extension lines, each ending
    /// in a newline.
    pub fn body(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.tree_size,
            BASE64.encode(&self.root_hash)
        );
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Parses a note text (after its signature was checked).
    pub fn parse_body(text: &str) -> Result<Checkpoint, CheckpointParseError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointParseError("the text does not end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|line| !line.is_empty())
            .ok_or(CheckpointParseError("no origin line"))?;
        let size_line = lines
            .next()
            .ok_or(CheckpointParseError("no tree size line"))?;
        // Decimal without a sign or leading zeros: one spelling per size.
        if size_line.is_empty()
            || !size_line.bytes().all(|byte| byte.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(CheckpointParseError(
                "the tree size is not a decimal number",
            ));
        }
        let tree_size = size_line
            .parse::<u64>()
            .map_err(|_| CheckpointParseError("the tree size is too large"))?;
        let root_line = lines
            .next()
            .ok_or(CheckpointParseError("no root hash line"))?;
        let root_bytes = BASE64
            .decode(root_line.as_bytes())
            .map_err(|_| CheckpointParseError("the root hash is not base64"))?;
        let root_hash: Hash = root_bytes
            .try_into()
            .map_err(|_| CheckpointParseError("the root hash is not 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(CheckpointParseError("an empty extension line"));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            tree_size,
            root_hash,
            extensions,
        })
    }
}

/// A checkpoint and its signed-note text (what `GET /api/v1/log/checkpoint`
/// serves and receipts embed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: String,
}

/// Why a signed checkpoint was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error(transparent)]
    Body(#[from] CheckpointParseError),
    #[error("the checkpoint is for the log {found}, the key is for {expected}")]
    OriginMismatch { expected: String, found: String },
}

/// Checks a signed checkpoint under `key` and parses it. The checkpoint's
/// origin must be the key's name: one key, one log.
pub fn verify_checkpoint(note: &str, key: &VerifierKey) -> Result<Checkpoint, CheckpointError> {
    let text = open_note(note, key)?;
    let checkpoint = Checkpoint::parse_body(text)?;
    if checkpoint.origin != key.name {
        return Err(CheckpointError::OriginMismatch {
            expected: key.name.clone(),
            found: checkpoint.origin,
        });
    }
    Ok(checkpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_key(name: &str, seed_byte: u8) -> KeyPair {
        KeyPair::from_seed(name, [seed_byte; 32]).unwrap()
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_parses() {
        let key = test_key("qorgau.test/log", 7);
        let checkpoint = Checkpoint::new("qorgau.test/log", 42, [9u8; 32]);
        let signed = key.sign_checkpoint(&checkpoint);
        assert!(signed.note.starts_with("qorgau.test/log\n42\n"));
        assert!(signed.note.contains("\n\n\u{2014} qorgau.test/log "));
        let parsed = verify_checkpoint(&signed.note, &key.verifier_key()).unwrap();
        assert_eq!(parsed, checkpoint);
    }

    #[test]
    fn verifier_keys_round_trip_through_text() {
        let key = test_key("qorgau.test/log", 1);
        let text = key.verifier_key().to_string();
        assert!(text.starts_with("qorgau.test/log+"));
        let parsed: VerifierKey = text.parse().unwrap();
        assert_eq!(parsed, key.verifier_key());
        // A changed hash is refused.
        let mut parts: Vec<&str> = text.split('+').collect();
        parts[1] = "00000000";
        assert!(parts.join("+").parse::<VerifierKey>().is_err());
    }

    /// The Go reference's example key (golang.org/x/mod/sumdb/note docs):
    /// PeterNeumann's public key hash is c74f20a3.
    #[test]
    fn key_ids_match_the_go_reference() {
        let verifier: VerifierKey =
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
                .parse()
                .unwrap();
        assert_eq!(verifier.key_id(), 0xc74f20a3);
        let private = KeyPair::from_private_text(
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        )
        .unwrap();
        assert_eq!(private.verifier_key(), verifier);
        // The note from the same documentation verifies.
        let note = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        let text = open_note(note, &verifier).unwrap();
        assert!(text.starts_with("If you think"));
        // Ed25519 is deterministic (RFC 8032): signing the same text with the
        // same key reproduces the reference note byte for byte.
        assert_eq!(private.sign_note(text), note);
    }

    /// The example of c2sp.org/signed-note itself.
    #[test]
    fn the_c2sp_example_note_verifies() {
        let verifier: VerifierKey =
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
                .parse()
                .unwrap();
        let note = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        assert_eq!(
            open_note(note, &verifier).unwrap(),
            "This is an example message.\n"
        );
        // A signature by an unknown key next to it is ignored.
        let with_unknown = format!("{note}\u{2014} other.example/key AAAAAAB0ZXN0\n");
        assert!(open_note(&with_unknown, &verifier).is_ok());
    }

    #[test]
    fn private_keys_round_trip_and_debug_hides_them() {
        let key = test_key("qorgau.test/log", 3);
        let text = key.to_private_text();
        let loaded = KeyPair::from_private_text(&text).unwrap();
        assert_eq!(loaded.verifier_key(), key.verifier_key());
        let shown = format!("{key:?}");
        assert!(!shown.contains(text.rsplit('+').next().unwrap()));
    }

    #[test]
    fn generated_keys_are_saved_with_mode_0600_and_never_overwritten() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("log.key");
        let (key, created) = KeyPair::load_or_generate(&path, "qorgau.test/log").unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, created) = KeyPair::load_or_generate(&path, "qorgau.test/log").unwrap();
        assert!(!created);
        assert_eq!(again.verifier_key(), key.verifier_key());
        let other = KeyPair::generate("qorgau.test/log").unwrap();
        assert_ne!(other.verifier_key(), key.verifier_key());
        assert!(other.save_new(&path).is_err());
        assert_eq!(
            KeyPair::load(&path).unwrap().verifier_key(),
            key.verifier_key()
        );
        // Only the key file is left behind.
        assert_eq!(fs::read_dir(folder.path()).unwrap().count(), 1);
    }

    #[test]
    fn altered_or_foreign_checkpoints_are_refused() {
        let key = test_key("qorgau.test/log", 7);
        let stranger = test_key("qorgau.test/log", 8);
        let signed = key.sign_checkpoint(&Checkpoint::new("qorgau.test/log", 5, [1u8; 32]));
        let verifier = key.verifier_key();

        let forged = stranger.sign_checkpoint(&signed.checkpoint);
        assert!(matches!(
            verify_checkpoint(&forged.note, &verifier),
            Err(CheckpointError::Note(NoteError::NoKnownSignature(_)))
        ));
        let altered = signed.note.replacen("\n5\n", "\n6\n", 1);
        assert!(matches!(
            verify_checkpoint(&altered, &verifier),
            Err(CheckpointError::Note(NoteError::BadSignature(_)))
        ));
        let unsigned = signed.checkpoint.body();
        assert!(verify_checkpoint(&unsigned, &verifier).is_err());
        let other_origin = key.sign_checkpoint(&Checkpoint::new("elsewhere/log", 5, [1u8; 32]));
        // Signed by the right key but for another log name.
        assert!(matches!(
            verify_checkpoint(&other_origin.note, &verifier),
            Err(CheckpointError::OriginMismatch { .. })
        ));
    }

    #[test]
    fn malformed_bodies_are_refused() {
        for body in [
            "",
            "origin\n",
            "origin\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "origin\n1\nAAAA\n",
            "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "origin\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",
        ] {
            assert!(Checkpoint::parse_body(body).is_err(), "{body:?}");
        }
    }

    #[test]
    fn key_names_are_checked() {
        for name in ["", "with space", "with+plus", "tab\there"] {
            assert!(KeyPair::from_seed(name, [0u8; 32]).is_err(), "{name:?}");
        }
    }
}
