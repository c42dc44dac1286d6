//! Secrets people present: applicants' access codes, staff passwords, bearer
//! tokens (staff sessions and resource owners' API keys).
//!
//! Only hashes are stored. Access codes and tokens are high-entropy random
//! values, so one SHA-256 is enough (no dictionary to attack); passwords are
//! chosen by people, so they get Argon2id. Comparisons are constant-time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The operating system's random generator failed: nothing safe can be issued.
#[derive(Debug, thiserror::Error)]
#[error("the system random generator failed: {0}")]
pub struct RandomnessError(String);

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], RandomnessError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|error| RandomnessError(error.to_string()))?;
    Ok(bytes)
}

/// Crockford's base32 alphabet: no I, L, O, U — nothing to misread on a phone.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new access code: 130 random bits as 26 base32 characters in groups of
/// four or two, e.g. `7KQ2-MZP9-…`. Typed by parents from a letter or an SMS.
pub fn new_access_code() -> Result<String, RandomnessError> {
    let bytes: [u8; 17] = random_bytes()?;
    let mut bits: u32 = 0;
    let mut bit_count = 0;
    let mut characters = Vec::with_capacity(26);
    for byte in bytes {
        bits = (bits << 8) | u32::from(byte);
        bit_count += 8;
        while bit_count >= 5 && characters.len() < 26 {
            bit_count -= 5;
            characters.push(CROCKFORD[((bits >> bit_count) & 31) as usize] as char);
        }
    }
    let grouped: Vec<String> = characters
        .chunks(4)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect();
    Ok(grouped.join("-"))
}

/// The form an access code is compared in: upper case, no separators, and the
/// letters Crockford's alphabet reads as digits (O→0, I/L→1).
fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|character| character.is_ascii_alphanumeric())
        .map(|character| match character.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// The SHA-256 (hex) stored for an access code or a token.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(normalize_code(secret).as_bytes()))
}

/// Whether `presented` is the secret whose hash is `stored_hash`, in constant time.
pub fn secret_matches(presented: &str, stored_hash: &str) -> bool {
    let computed = secret_hash(presented);
    computed.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

/// A new bearer token: `prefix_` and 256 random bits in hex (`qgs_…` for staff
/// sessions, `qgk_…` for API keys), so a leaked token says what it is.
pub fn new_token(prefix: &str) -> Result<String, RandomnessError> {
    let bytes: [u8; 32] = random_bytes()?;
    Ok(format!("{prefix}_{}", hex::encode(bytes)))
}

/// A new password for demo or first-login accounts: 16 base32 characters.
pub fn new_password() -> Result<String, RandomnessError> {
    let code = new_access_code()?;
    Ok(code.replace('-', "").chars().take(16).collect())
}

/// Argon2id with the crate's default parameters (OWASP's recommended minimum).
pub fn hash_password(password: &str) -> Result<String, RandomnessError> {
    let salt: [u8; 16] = random_bytes()?;
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| RandomnessError(error.to_string()))
}

/// Whether `password` matches the stored Argon2 hash.
pub fn password_matches(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_codes_are_long_grouped_and_unique() {
        let code = new_access_code().unwrap();
        assert_eq!(code.len(), 26 + 6, "{code}");
        assert!(code.split('-').all(|group| group.len() <= 4));
        assert_ne!(code, new_access_code().unwrap());
    }

    #[test]
    fn codes_match_however_they_are_typed() {
        let code = "7KQ2-MZP0-AB1C";
        let stored = secret_hash(code);
        assert!(secret_matches("7kq2 mzpo ablc", &stored));
        assert!(!secret_matches("7KQ2-MZP0-AB1D", &stored));
    }

    #[test]
    fn passwords_round_trip_through_argon2id() {
        let stored = hash_password("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(password_matches("correct horse", &stored));
        assert!(!password_matches("correct horsE", &stored));
        assert!(!password_matches("anything", "not a hash"));
    }
}
