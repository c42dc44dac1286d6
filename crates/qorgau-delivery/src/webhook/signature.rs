//! Standard Webhooks signatures (<https://www.standardwebhooks.com/>,
//! `spec/standard-webhooks.md`, "Signature scheme"): symmetric HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded
//! part of a `whsec_` secret, sent as `webhook-signature: v1,<base64>`.
//! Several signatures are separated by spaces; a receiver accepts a message
//! if any one of them verifies, which is how a secret is rotated without a
//! moment in which the receiver rejects genuine messages.

use std::fmt;

use data_encoding::BASE64;
use hmac::{Hmac, KeyInit, Mac};
use qorgau_domain::message::{Explain, Message};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The prefix the specification gives symmetric secrets.
pub const SECRET_PREFIX: &str = "whsec_";
/// The length of a secret Qorgau generates (the specification recommends 24–64 bytes).
pub const GENERATED_SECRET_BYTES: usize = 32;
const MIN_SECRET_BYTES: usize = 24;
const MAX_SECRET_BYTES: usize = 64;

/// A webhook signing secret. Shown to the resource owner once (API.md: `PUT
/// /api/v1/owner/webhook`), kept by the service to sign with. `Debug` never
/// prints it.
#[derive(Clone)]
pub struct WebhookSecret {
    key: Vec<u8>,
    /// HMAC keyed with `key`, cloned for each message.
    keyed: HmacSha256,
}

impl PartialEq for WebhookSecret {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for WebhookSecret {}

/// Why a text is not a webhook secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("a webhook secret starts with {SECRET_PREFIX}")]
    MissingPrefix,
    #[error("the webhook secret is not valid base64")]
    NotBase64,
    #[error("the webhook secret has {0} bytes; 24 to 64 are accepted")]
    WrongLength(usize),
    #[error("the operating system gave no randomness: {0}")]
    Randomness(String),
}

impl Explain for SecretError {
    fn code(&self) -> &'static str {
        match self {
            SecretError::MissingPrefix => "webhook_secret_prefix",
            SecretError::NotBase64 => "webhook_secret_encoding",
            SecretError::WrongLength(_) => "webhook_secret_length",
            SecretError::Randomness(_) => "webhook_secret_randomness",
        }
    }

    fn explain(&self) -> Message {
        match self {
            SecretError::MissingPrefix => Message::new("delivery-secret-prefix"),
            SecretError::NotBase64 => Message::new("delivery-secret-encoding"),
            SecretError::WrongLength(length) => {
                Message::new("delivery-secret-length").with("length", *length as i64)
            }
            SecretError::Randomness(detail) => {
                Message::new("delivery-secret-randomness").with("detail", detail.as_str())
            }
        }
    }
}

impl WebhookSecret {
    /// A new secret: `whsec_` + base64 of 32 bytes from the operating system.
    pub fn generate() -> Result<WebhookSecret, SecretError> {
        let mut key = vec![0u8; GENERATED_SECRET_BYTES];
        getrandom::fill(&mut key).map_err(|error| SecretError::Randomness(error.to_string()))?;
        WebhookSecret::from_key(key)
    }

    /// Reads `whsec_<base64>` (as stored, or as a receiver configures it).
    pub fn parse(text: &str) -> Result<WebhookSecret, SecretError> {
        let encoded = text
            .trim()
            .strip_prefix(SECRET_PREFIX)
            .ok_or(SecretError::MissingPrefix)?;
        let key = BASE64
            .decode(encoded.as_bytes())
            .map_err(|_| SecretError::NotBase64)?;
        if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&key.len()) {
            return Err(SecretError::WrongLength(key.len()));
        }
        WebhookSecret::from_key(key)
    }

    fn from_key(key: Vec<u8>) -> Result<WebhookSecret, SecretError> {
        // HMAC takes keys of any length, so this fails only in theory.
        let keyed = <HmacSha256 as KeyInit>::new_from_slice(&key)
            .map_err(|_| SecretError::WrongLength(key.len()))?;
        Ok(WebhookSecret { key, keyed })
    }

    /// The secret's text, `whsec_<base64>`: to show once and to store. Named
    /// so that every place that reveals it is easy to find.
    pub fn expose(&self) -> String {
        format!("{SECRET_PREFIX}{}", BASE64.encode(&self.key))
    }

    fn mac(&self, webhook_id: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
        let mut mac = self.keyed.clone();
        mac.update(webhook_id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// One signature, `v1,<base64>`.
    pub fn sign(&self, webhook_id: &str, timestamp: i64, body: &[u8]) -> String {
        let tag = self
            .mac(webhook_id, timestamp, body)
            .finalize()
            .into_bytes();
        format!("v1,{}", BASE64.encode(&tag))
    }

    /// Whether `signature_header` (space-separated `v1,<base64>` entries)
    /// carries a valid signature by this secret. Compares in constant time.
    /// Receivers normally use the official libraries; this is for our own
    /// tests and tools.
    pub fn verify(
        &self,
        webhook_id: &str,
        timestamp: i64,
        body: &[u8],
        signature_header: &str,
    ) -> bool {
        signature_header.split(' ').any(|entry| {
            let Some(encoded) = entry.strip_prefix("v1,") else {
                return false;
            };
            let Ok(tag) = BASE64.decode(encoded.as_bytes()) else {
                return false;
            };
            self.mac(webhook_id, timestamp, body)
                .verify_slice(&tag)
                .is_ok()
        })
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("WebhookSecret(redacted)")
    }
}

/// The `webhook-signature` header value: one `v1,` signature per active
/// secret, space-separated, in the order given (during a rotation: the new
/// secret and the old one, until the grace period ends).
pub fn signature_header(
    secrets: &[WebhookSecret],
    webhook_id: &str,
    timestamp: i64,
    body: &[u8],
) -> String {
    secrets
        .iter()
        .map(|secret| secret.sign(webhook_id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The example in the Standard Webhooks reference libraries' test suites.
    const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SPEC_TIMESTAMP: i64 = 1_614_265_330;
    const SPEC_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_the_specification_example() {
        let secret = WebhookSecret::parse(SPEC_SECRET).unwrap();
        assert_eq!(
            secret.sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY),
            SPEC_SIGNATURE
        );
        assert!(secret.verify(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE));
    }

    #[test]
    fn any_changed_input_fails_verification() {
        let secret = WebhookSecret::parse(SPEC_SECRET).unwrap();
        assert!(!secret.verify("msg_other", SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE));
        assert!(!secret.verify(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY, SPEC_SIGNATURE));
        assert!(!secret.verify(
            SPEC_ID,
            SPEC_TIMESTAMP,
            br#"{"test": 2432232315}"#,
            SPEC_SIGNATURE
        ));
        assert!(!secret.verify(
            SPEC_ID,
            SPEC_TIMESTAMP,
            SPEC_BODY,
            "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ));
        assert!(!secret.verify(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, "v1,not base64"));
        let other = WebhookSecret::generate().unwrap();
        assert!(!other.verify(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE));
    }

    #[test]
    fn rotation_sends_one_signature_per_secret() {
        let old = WebhookSecret::generate().unwrap();
        let new = WebhookSecret::generate().unwrap();
        let header = signature_header(&[new.clone(), old.clone()], "msg_1", 1_700_000_000, b"{}");
        assert_eq!(header.split(' ').count(), 2);
        assert!(new.verify("msg_1", 1_700_000_000, b"{}", &header));
        assert!(old.verify("msg_1", 1_700_000_000, b"{}", &header));
        assert!(
            !WebhookSecret::generate()
                .unwrap()
                .verify("msg_1", 1_700_000_000, b"{}", &header)
        );
    }

    #[test]
    fn generated_secrets_round_trip_and_differ() {
        let secret = WebhookSecret::generate().unwrap();
        let text = secret.expose();
        assert!(text.starts_with("whsec_"));
        assert_eq!(text.len(), "whsec_".len() + 44);
        assert_eq!(WebhookSecret::parse(&text).unwrap(), secret);
        assert_ne!(WebhookSecret::generate().unwrap(), secret);
    }

    #[test]
    fn debug_never_prints_the_secret() {
        let secret = WebhookSecret::parse(SPEC_SECRET).unwrap();
        let printed = format!("{secret:?} {:?}", Some(&secret));
        assert!(!printed.contains("MfKQ9r8"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn malformed_secrets_are_refused() {
        assert_eq!(
            WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            Err(SecretError::MissingPrefix)
        );
        assert_eq!(
            WebhookSecret::parse("whsec_!!!"),
            Err(SecretError::NotBase64)
        );
        assert_eq!(
            WebhookSecret::parse("whsec_AAAA"),
            Err(SecretError::WrongLength(3))
        );
        let long = format!("whsec_{}", BASE64.encode(&[7u8; 65]));
        assert_eq!(
            WebhookSecret::parse(&long),
            Err(SecretError::WrongLength(65))
        );
    }
}
