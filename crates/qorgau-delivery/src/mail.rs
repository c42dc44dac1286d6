//! E-mail over SMTP (`QORGAU_SMTP_URL`), with lettre.
//!
//! `smtp://host:port` speaks plain SMTP (a relay on the same host or a test
//! sink), `smtp://host:port?tls=required` upgrades with STARTTLS and refuses a
//! server that cannot, `smtps://host:port` is TLS from the first byte (port 465
//! by default); `user:password@` authenticates (percent-encoded), and a path
//! (`smtp://relay/qorgau.example.kz`) sets the name given in EHLO (by
//! default the sender address's domain). TLS is
//! rustls with the *ring* provider and the platform's certificate verifier —
//! the same stack as the rest of the service.
//!
//! One call is one attempt, one recipient, one connection. A letter's
//! Message-ID is derived from its delivery id, so a letter resent after a
//! crash between "the server accepted it" and "we recorded that" carries the
//! same Message-ID and mail clients show it once.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jiff::Timestamp;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message as MimeMessage, Tokio1Executor};
use qorgau_domain::message::{Explain, Message};

/// How long one SMTP conversation may take (each command's answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A file attached to a letter.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The name shown to the reader, e.g. `order-2026-000042.pdf`.
    pub filename: String,
    /// The MIME type, e.g. `application/pdf`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One letter to one recipient. `Debug` shows the delivery id and sizes
/// only: a letter to an applicant is about a child, and must not reach a log.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address (`name@example.kz` or `Name <name@example.kz>`).
    pub to: String,
    /// Any language; encoded per RFC 2047 when it is not ASCII.
    pub subject: String,
    pub text: String,
    /// An HTML alternative to `text`, if any.
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// The outbox's id for this delivery (letters, digits, `.`, `_`, `-`).
    /// The Message-ID is derived from it ([`Mailer::message_id`]); pass the
    /// same id on every attempt.
    pub delivery_id: String,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Attachment")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Mail {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Mail")
            .field("delivery_id", &self.delivery_id)
            .field("text_bytes", &self.text.len())
            .field("html", &self.html.is_some())
            .field("attachments", &self.attachments)
            .finish_non_exhaustive()
    }
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome {
    /// The server accepted the letter for delivery (250 after DATA).
    Accepted,
    /// Not sent now, may succeed later: no connection, a timeout, TLS
    /// trouble, or a temporary (4xx) refusal.
    Retry { reason: MailFailure },
    /// Refused for good (a 5xx answer, or an address or letter that cannot
    /// be sent): retrying would not help; dead-letter it.
    Rejected { reason: MailFailure },
}

/// Why a letter was not accepted. `code()` is stable; `explain()` is for
/// people (the dead-letter list).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailFailure {
    #[error("the recipient address {0} is not valid")]
    InvalidRecipient(String),
    #[error("the letter cannot be composed: {0}")]
    InvalidLetter(String),
    #[error("the mail server refused the letter: {code} {detail}")]
    Refused { code: u16, detail: String },
    #[error("the mail server deferred the letter: {code} {detail}")]
    Deferred { code: u16, detail: String },
    #[error("no answer from the mail server in time")]
    Timeout,
    #[error("the secure connection (TLS) to the mail server failed: {0}")]
    Tls(String),
    #[error("cannot talk to the mail server: {0}")]
    Connect(String),
}

impl Explain for MailFailure {
    fn code(&self) -> &'static str {
        match self {
            MailFailure::InvalidRecipient(_) => "mail_invalid_recipient",
            MailFailure::InvalidLetter(_) => "mail_invalid_letter",
            MailFailure::Refused { .. } => "mail_refused",
            MailFailure::Deferred { .. } => "mail_deferred",
            MailFailure::Timeout => "mail_timeout",
            MailFailure::Tls(_) => "mail_tls",
            MailFailure::Connect(_) => "mail_connect",
        }
    }

    fn explain(&self) -> Message {
        match self {
            MailFailure::InvalidRecipient(address) => {
                Message::new("delivery-mail-invalid-recipient").with("address", address.as_str())
            }
            MailFailure::InvalidLetter(detail) => {
                Message::new("delivery-mail-invalid-letter").with("detail", detail.as_str())
            }
            MailFailure::Refused { code, detail } => Message::new("delivery-mail-refused")
                .with("code", i64::from(*code))
                .with("detail", detail.as_str()),
            MailFailure::Deferred { code, detail } => Message::new("delivery-mail-deferred")
                .with("code", i64::from(*code))
                .with("detail", detail.as_str()),
            MailFailure::Timeout => Message::new("delivery-mail-timeout"),
            MailFailure::Tls(detail) => {
                Message::new("delivery-mail-tls").with("detail", detail.as_str())
            }
            MailFailure::Connect(detail) => {
                Message::new("delivery-mail-connect").with("detail", detail.as_str())
            }
        }
    }
}

/// Why a mailer could not be configured (a start-up error for the operator).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailSetupError {
    /// The URL itself is not repeated: it may hold a password.
    #[error(
        "QORGAU_SMTP_URL is not a usable SMTP URL (smtp://host:port, smtp://host:port?tls=required or smtps://host:port): {0}"
    )]
    InvalidUrl(String),
    #[error("the sender address {0} is not a valid e-mail address")]
    InvalidFrom(String),
}

/// Sends letters through one SMTP server, from one address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where the `smtp` URL points, without credentials, for `Debug`.
    server: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `QORGAU_SMTP_URL`, sending as `from`
    /// (`Qorgau <noreply@qorgau.example.kz>`), with [`DEFAULT_TIMEOUT`].
    pub fn from_url(url: &str, from: &str) -> Result<Mailer, MailSetupError> {
        Mailer::from_url_with_timeout(url, from, DEFAULT_TIMEOUT)
    }

    pub fn from_url_with_timeout(
        url: &str,
        from: &str,
        timeout: Duration,
    ) -> Result<Mailer, MailSetupError> {
        let parsed = url::Url::parse(url.trim())
            .map_err(|error| MailSetupError::InvalidUrl(error.to_string()))?;
        let server = format!(
            "{}://{}:{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or_default(),
            parsed
                .port()
                .map(|port| port.to_string())
                .unwrap_or_else(|| "default".to_owned())
        );
        let from: Mailbox = from
            .trim()
            .parse()
            .map_err(|_| MailSetupError::InvalidFrom(from.to_owned()))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            .map_err(|error| MailSetupError::InvalidUrl(error.to_string()))?
            .timeout(Some(timeout));
        // EHLO names the client (RFC 5321 §4.1.1.1). Without a name in the
        // URL's path lettre would say `[127.0.0.1]`, which relays may refuse;
        // the sender's domain is the better guess.
        if parsed.path().trim_matches('/').is_empty() {
            builder = builder.hello_name(ClientId::Domain(from.email.domain().to_owned()));
        }
        let transport = builder.build();
        Ok(Mailer {
            transport,
            from,
            server,
        })
    }

    /// The Message-ID of the letter for `delivery_id`:
    /// `<qorgau.{delivery_id}@{the sender's domain}>` (RFC 5322 §3.6.4).
    pub fn message_id(&self, delivery_id: &str) -> String {
        format!("<qorgau.{delivery_id}@{}>", self.from.email.domain())
    }

    /// One attempt to hand `mail` to the server. `now` is the letter's
    /// `Date:`.
    pub async fn send(&self, mail: &Mail, now: Timestamp) -> MailOutcome {
        let letter = match self.compose(mail, now) {
            Ok(letter) => letter,
            Err(reason) => return MailOutcome::Rejected { reason },
        };
        match self.transport.send(letter).await {
            Ok(_) => MailOutcome::Accepted,
            Err(error) => classify_smtp_error(&error),
        }
    }

    fn compose(&self, mail: &Mail, now: Timestamp) -> Result<MimeMessage, MailFailure> {
        let to: Mailbox = mail
            .to
            .trim()
            .parse()
            .map_err(|_| MailFailure::InvalidRecipient(mail.to.clone()))?;
        let acceptable_id = !mail.delivery_id.is_empty()
            && mail.delivery_id.len() <= 128
            && mail
                .delivery_id
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'));
        if !acceptable_id {
            return Err(MailFailure::InvalidLetter(format!(
                "the delivery id {:?} cannot be part of a Message-ID",
                mail.delivery_id
            )));
        }
        let body = match &mail.html {
            Some(html) => MultiPart::alternative_plain_html(mail.text.clone(), html.clone()),
            None => MultiPart::mixed().singlepart(SinglePart::plain(mail.text.clone())),
        };
        let mut content = MultiPart::mixed().multipart(body);
        for attachment in &mail.attachments {
            let content_type = ContentType::parse(&attachment.content_type).map_err(|_| {
                MailFailure::InvalidLetter(format!(
                    "the attachment type {:?} is not a MIME type",
                    attachment.content_type
                ))
            })?;
            content = content.singlepart(
                MimeAttachment::new(attachment.filename.clone())
                    .body(attachment.bytes.clone(), content_type),
            );
        }
        MimeMessage::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(self.message_id(&mail.delivery_id)))
            .date(system_time(now))
            .multipart(content)
            .map_err(|error| MailFailure::InvalidLetter(error.to_string()))
    }
}

/// `now` for lettre's `Date:` header, to the second.
fn system_time(now: Timestamp) -> SystemTime {
    let seconds = now.as_second();
    let offset = Duration::from_secs(seconds.unsigned_abs());
    let moment = if seconds >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    };
    moment.unwrap_or(UNIX_EPOCH)
}

/// SMTP's own split (RFC 5321 §4.2.1): 5yz is permanent, 4yz transient;
/// everything that is not an answer (no connection, a timeout, TLS) may work
/// later.
fn classify_smtp_error(error: &lettre::transport::smtp::Error) -> MailOutcome {
    let code = error
        .status()
        .and_then(|code| code.to_string().parse::<u16>().ok())
        .unwrap_or(0);
    let detail = error_chain(error);
    if error.is_permanent() {
        MailOutcome::Rejected {
            reason: MailFailure::Refused { code, detail },
        }
    } else if error.is_transient() {
        MailOutcome::Retry {
            reason: MailFailure::Deferred { code, detail },
        }
    } else if error.is_timeout() {
        MailOutcome::Retry {
            reason: MailFailure::Timeout,
        }
    } else if error.is_tls() {
        MailOutcome::Retry {
            reason: MailFailure::Tls(detail),
        }
    } else {
        MailOutcome::Retry {
            reason: MailFailure::Connect(detail),
        }
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        text.push_str(": ");
        text.push_str(&current.to_string());
        source = current.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> Mailer {
        Mailer::from_url(
            "smtp://127.0.0.1:2525",
            "Qorgau <noreply@qorgau.example.kz>",
        )
        .unwrap()
    }

    fn mail() -> Mail {
        Mail {
            to: "owner@social.example".into(),
            subject: "Нұсқама № 2026-000042".into(),
            text: "Мәтін".into(),
            html: None,
            attachments: vec![],
            delivery_id: "dlv-42".into(),
        }
    }

    #[test]
    fn urls() {
        assert!(Mailer::from_url("smtp://127.0.0.1:2525", "noreply@qorgau.kz").is_ok());
        assert!(
            Mailer::from_url(
                "smtp://relay.example.kz:587?tls=required",
                "noreply@qorgau.kz"
            )
            .is_ok()
        );
        assert!(
            Mailer::from_url("smtps://user:p%40ss@relay.example.kz", "noreply@qorgau.kz").is_ok()
        );
        assert!(matches!(
            Mailer::from_url("http://relay.example.kz", "noreply@qorgau.kz"),
            Err(MailSetupError::InvalidUrl(_))
        ));
        assert!(matches!(
            Mailer::from_url("relay.example.kz", "noreply@qorgau.kz"),
            Err(MailSetupError::InvalidUrl(_))
        ));
        assert_eq!(
            Mailer::from_url("smtp://127.0.0.1:2525", "not an address").unwrap_err(),
            MailSetupError::InvalidFrom("not an address".into())
        );
    }

    #[test]
    fn debug_shows_no_address_and_no_content() {
        let printed = format!("{:?}", mail());
        assert!(!printed.contains("owner@"), "{printed}");
        assert!(!printed.contains("Нұсқама"), "{printed}");
        assert!(printed.contains("dlv-42"), "{printed}");
    }

    #[test]
    fn debug_hides_the_password() {
        let mailer = Mailer::from_url(
            "smtps://user:hunter2@relay.example.kz:465",
            "noreply@qorgau.kz",
        )
        .unwrap();
        let printed = format!("{mailer:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("relay.example.kz:465"), "{printed}");
    }

    #[test]
    fn the_message_id_follows_the_delivery() {
        let mailer = mailer();
        assert_eq!(
            mailer.message_id("dlv-42"),
            "<qorgau.dlv-42@qorgau.example.kz>"
        );
        let now: Timestamp = "2026-11-29T04:00:00Z".parse().unwrap();
        let first = mailer.compose(&mail(), now).unwrap().formatted();
        let again = mailer.compose(&mail(), now).unwrap().formatted();
        let header = |letter: &[u8]| {
            String::from_utf8_lossy(letter)
                .lines()
                .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
                .map(str::to_owned)
        };
        assert_eq!(
            header(&first),
            Some("Message-ID: <qorgau.dlv-42@qorgau.example.kz>".into())
        );
        assert_eq!(header(&first), header(&again));
    }

    #[tokio::test]
    async fn letters_that_cannot_be_sent_are_rejected_before_connecting() {
        // Port 9 on loopback: nothing is contacted, these fail while composing.
        let mailer = Mailer::from_url("smtp://127.0.0.1:9", "noreply@qorgau.kz").unwrap();
        let now: Timestamp = "2026-11-29T04:00:00Z".parse().unwrap();
        let mut bad_address = mail();
        bad_address.to = "not an address".into();
        let mut bad_id = mail();
        bad_id.delivery_id = "a b@c".into();
        let mut bad_type = mail();
        bad_type.attachments.push(Attachment {
            filename: "x.pdf".into(),
            content_type: "not a type".into(),
            bytes: vec![1],
        });
        for (letter, code) in [
            (bad_address, "mail_invalid_recipient"),
            (bad_id, "mail_invalid_letter"),
            (bad_type, "mail_invalid_letter"),
        ] {
            match mailer.send(&letter, now).await {
                MailOutcome::Rejected { reason } => assert_eq!(reason.code(), code),
                other => panic!("{other:?}"),
            }
        }
    }
}
