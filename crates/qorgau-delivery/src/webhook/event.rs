//! What a webhook says: the Standard Webhooks recommended payload shape
//! (`{"type", "timestamp", "data"}`) with an order's facts as `data`, and the
//! message id a receiver de-duplicates by.
//!
//! The `data` type has fields for an order only — what to remove, by when,
//! under which rule, and where to read and verify the order. A resource owner
//! never learns who complained (PRODUCT.md: "Resource owners see the content
//! to remove and the legal basis, never who complained"), and since the type
//! has no field for the applicant or the child, no code path can add one.

use std::fmt;

use jiff::Timestamp;
use qorgau_domain::regime::{EscalationKind, Localized};
use serde::{Deserialize, Serialize};

/// The `webhook-id` header: one per logical message, the same on every retry
/// of it, so the receiver can recognise a retry of a message it already
/// processed. Derive it from the outbox's delivery id (for example
/// `msg_<delivery id>`); never generate a new one for a retry.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebhookId(String);

/// Why a text is not a webhook id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a webhook id is 1 to 128 characters of A-Z, a-z, 0-9, '_' and '-'")]
pub struct InvalidWebhookId;

impl WebhookId {
    /// Letters, digits, `_` and `-`, 1 to 128 of them: the id is part of the
    /// signed content `{id}.{timestamp}.{body}`, where a `.` would blur the
    /// boundary, and it travels in an HTTP header.
    pub fn parse(text: &str) -> Result<WebhookId, InvalidWebhookId> {
        let acceptable = !text.is_empty()
            && text.len() <= 128
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
        if acceptable {
            Ok(WebhookId(text.to_owned()))
        } else {
            Err(InvalidWebhookId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WebhookId {
    type Error = InvalidWebhookId;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        WebhookId::parse(&text)
    }
}

impl From<WebhookId> for String {
    fn from(id: WebhookId) -> String {
        id.0
    }
}

impl fmt::Display for WebhookId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl fmt::Debug for WebhookId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "WebhookId({})", self.0)
    }
}

/// The event types of API.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventType {
    /// An order was issued to the owner: the removal clock starts when this
    /// webhook is accepted (a 2xx answer), if it is the first channel to
    /// deliver the order.
    #[serde(rename = "order.issued")]
    OrderIssued,
    /// The removal deadline is near or has passed without a removal report.
    #[serde(rename = "order.reminder")]
    OrderReminder,
    /// A step of the escalation ladder was taken (`data.escalation`).
    #[serde(rename = "order.escalated")]
    OrderEscalated,
    /// The order needs nothing more from the owner (`data.closed_reason`).
    #[serde(rename = "order.closed")]
    OrderClosed,
}

impl EventType {
    pub const ALL: [EventType; 4] = [
        EventType::OrderIssued,
        EventType::OrderReminder,
        EventType::OrderEscalated,
        EventType::OrderClosed,
    ];

    /// The `type` string, e.g. `order.issued`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderIssued => "order.issued",
            EventType::OrderReminder => "order.reminder",
            EventType::OrderEscalated => "order.escalated",
            EventType::OrderClosed => "order.closed",
        }
    }
}

/// A webhook's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the event happened (RFC 3339, UTC) — not when this attempt was
    /// sent; that is the `webhook-timestamp` header.
    pub timestamp: Timestamp,
    pub data: OrderEventData,
}

impl WebhookEvent {
    /// The JSON body. Serialize once, store the bytes with the delivery and
    /// send exactly those bytes on every attempt.
    pub fn to_body(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }
}

/// The rule an order or an escalation step cites: the regime's key for the
/// basis and its citation in Kazakh, Russian and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CitedBasis {
    pub key: String,
    pub citation: Localized,
}

/// An escalation step taken on an order (`order.escalated`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationRef {
    /// 1 for the first step of the regime's ladder, and so on.
    pub step: u32,
    pub kind: EscalationKind,
    pub taken_at: Timestamp,
    pub legal_basis: CitedBasis,
}

/// An order's facts, as a resource owner may see them. No field here may
/// identify the applicant or the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderEventData {
    pub order_id: String,
    /// The exact content to remove.
    pub urls: Vec<String>,
    pub issued_at: Timestamp,
    /// The hours the owner has from delivery (24 under the regimes so far).
    pub removal_within_hours: u32,
    /// The removal deadline, once the order has been delivered (absent in
    /// the first `order.issued`: its acceptance starts the clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal_due: Option<Timestamp>,
    pub legal_basis: CitedBasis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<EscalationRef>,
    /// Why the order was closed (`order.closed`), a stable code such as
    /// `removal_verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    /// The order in the owner's API (`GET /api/v1/orders/{order_id}`).
    pub order_url: String,
    /// The signed order as PDF.
    pub document_url: String,
    /// Where anyone can check that the order is genuine.
    pub verification_url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn citation() -> CitedBasis {
        CitedBasis {
            key: "removal_order".into(),
            citation: Localized {
                kk: "«Бұқаралық ақпарат құралдары туралы» Заң, 40-бап".into(),
                ru: "Закон «О масс-медиа», ст. 40".into(),
                en: "Law “On mass media”, Art. 40".into(),
            },
        }
    }

    fn order_issued() -> WebhookEvent {
        WebhookEvent {
            event_type: EventType::OrderIssued,
            timestamp: "2026-11-29T04:00:00Z".parse().unwrap(),
            data: OrderEventData {
                order_id: "ord_42".into(),
                urls: vec!["https://social.example/post/1".into()],
                issued_at: "2026-11-29T04:00:00Z".parse().unwrap(),
                removal_within_hours: 24,
                removal_due: None,
                legal_basis: citation(),
                escalation: None,
                closed_reason: None,
                order_url: "https://qorgau.example.kz/api/v1/orders/ord_42".into(),
                document_url: "https://qorgau.example.kz/api/v1/orders/ord_42/document.pdf".into(),
                verification_url: "https://qorgau.example.kz/verify/ABCD-EFGH".into(),
            },
        }
    }

    #[test]
    fn the_body_has_the_recommended_shape() {
        let body = order_issued().to_body().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["type"], "order.issued");
        assert_eq!(json["timestamp"], "2026-11-29T04:00:00Z");
        assert_eq!(json["data"]["order_id"], "ord_42");
        assert_eq!(json["data"]["removal_within_hours"], 24);
        assert!(json["data"].get("removal_due").is_none());
        assert_eq!(
            json["data"]["legal_basis"]["citation"]["ru"],
            "Закон «О масс-медиа», ст. 40"
        );
        let fields: Vec<&str> = json["data"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            fields,
            [
                "document_url",
                "issued_at",
                "legal_basis",
                "order_id",
                "order_url",
                "removal_within_hours",
                "urls",
                "verification_url"
            ]
        );
        let back: WebhookEvent = serde_json::from_slice(&body).unwrap();
        assert_eq!(back, order_issued());
    }

    #[test]
    fn escalations_and_closures_carry_their_step_and_reason() {
        let mut event = order_issued();
        event.event_type = EventType::OrderEscalated;
        event.data.removal_due = Some("2026-11-30T04:00:00Z".parse().unwrap());
        event.data.escalation = Some(EscalationRef {
            step: 2,
            kind: EscalationKind::RepeatedOrder,
            taken_at: "2026-11-30T10:00:00Z".parse().unwrap(),
            legal_basis: citation(),
        });
        let json: serde_json::Value = serde_json::from_slice(&event.to_body().unwrap()).unwrap();
        assert_eq!(json["type"], "order.escalated");
        assert_eq!(json["data"]["escalation"]["kind"], "repeated_order");
        assert_eq!(json["data"]["removal_due"], "2026-11-30T04:00:00Z");
        for event_type in EventType::ALL {
            assert_eq!(
                serde_json::to_value(event_type).unwrap(),
                event_type.as_str()
            );
        }
    }

    #[test]
    fn a_body_with_a_person_in_it_is_not_an_event() {
        let mut json: serde_json::Value =
            serde_json::from_slice(&order_issued().to_body().unwrap()).unwrap();
        json["data"]["applicant_name"] = "Айгүл".into();
        assert!(serde_json::from_value::<WebhookEvent>(json).is_err());
    }

    #[test]
    fn webhook_ids() {
        assert!(WebhookId::parse("msg_2Lk9-x").is_ok());
        assert!(WebhookId::parse(&"a".repeat(128)).is_ok());
        for bad in [
            "",
            "msg.1",
            "msg 1",
            "msg\n1",
            "сообщение",
            &"a".repeat(129),
        ] {
            assert_eq!(WebhookId::parse(bad), Err(InvalidWebhookId), "{bad:?}");
        }
        let id: WebhookId = serde_json::from_str("\"msg_7\"").unwrap();
        assert_eq!(id.as_str(), "msg_7");
        assert!(serde_json::from_str::<WebhookId>("\"msg.7\"").is_err());
    }
}
