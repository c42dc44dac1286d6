//! How domain values become rows and back, shared by both stores so that they
//! store and answer exactly the same things. Only the SQL dialect differs
//! between `sqlite.rs` and `postgres.rs`; everything that decides *what* is
//! written lives here.

use std::collections::BTreeSet;
use std::str::FromStr;

use jiff::Timestamp;
use qorgau_domain::procedure::command::order_status_name;
use qorgau_domain::procedure::{CaseEvent, CaseState, DeadlineKind, PendingDeadline};
use qorgau_domain::record::{RecordEntry, canonical_json};
use qorgau_domain::regime::Regimes;

use crate::{StaffMember, StaffRole, StoreError, StoredEntry, StoredStaff};

/// Milliseconds since 1970 UTC: deadlines are stored this way so they sort as time.
pub(crate) fn millis(instant: Timestamp) -> i64 {
    instant.as_millisecond()
}

pub(crate) fn from_millis(value: i64) -> Timestamp {
    Timestamp::from_millisecond(value).unwrap_or(Timestamp::UNIX_EPOCH)
}

pub(crate) fn hash_array(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("a stored hash is not 32 bytes".to_owned()))
}

pub(crate) fn encode(event: &CaseEvent) -> Result<String, StoreError> {
    canonical_json(event).map_err(|error| StoreError::Corrupt(error.to_string()))
}

pub(crate) fn decode(payload: &str, seq: i64) -> Result<CaseEvent, StoreError> {
    serde_json::from_str(payload)
        .map_err(|error| StoreError::Corrupt(format!("event {seq} does not parse: {error}")))
}

pub(crate) fn timestamp(text: &str) -> Result<Timestamp, StoreError> {
    Timestamp::from_str(text).map_err(|error| StoreError::Corrupt(format!("{text}: {error}")))
}

pub(crate) fn deadline_kind(text: &str) -> Result<DeadlineKind, StoreError> {
    [
        DeadlineKind::Decision,
        DeadlineKind::ExtensionNotice,
        DeadlineKind::Response,
        DeadlineKind::Removal,
        DeadlineKind::Escalation,
    ]
    .into_iter()
    .find(|kind| kind.as_str() == text)
    .ok_or_else(|| StoreError::Corrupt(format!("unknown deadline kind {text}")))
}

pub(crate) fn pending_deadline(
    kind: &str,
    order_id: Option<String>,
    due_at: i64,
    last_day: Option<String>,
    provisional: bool,
) -> Result<PendingDeadline, StoreError> {
    let last_day = match last_day {
        Some(text) => Some(
            text.parse()
                .map_err(|_| StoreError::Corrupt(format!("bad date {text}")))?,
        ),
        None => None,
    };
    Ok(PendingDeadline {
        kind: deadline_kind(kind)?,
        due_at: from_millis(due_at),
        last_day,
        order_id,
        provisional,
    })
}

pub(crate) fn staff_role(text: &str) -> StaffRole {
    if text == "expert" {
        StaffRole::Expert
    } else {
        StaffRole::Coordinator
    }
}

/// `(username, display_name, role, chair, active)`, as both stores select it.
pub(crate) type StaffRow = (String, String, String, bool, bool);

pub(crate) fn staff_from_row(row: StaffRow) -> StaffMember {
    let (username, display_name, role, chair, active) = row;
    StaffMember {
        username,
        display_name,
        role: staff_role(&role),
        chair,
        active,
    }
}

/// `(seq, case_id, case_version, event_type, payload, actor, recorded_at,
/// prev_hash, hash)`: a row of `case_events` as both stores select it.
pub(crate) type EntryRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    String,
    Vec<u8>,
    Vec<u8>,
);

pub(crate) fn stored_entry(row: EntryRow) -> Result<StoredEntry, StoreError> {
    let (seq, case_id, case_version, event_type, payload, actor, recorded_at, prev_hash, hash) =
        row;
    Ok(StoredEntry {
        entry: RecordEntry {
            seq: seq as u64,
            case_id,
            event_type,
            payload,
            actor,
            recorded_at,
            prev_hash: hash_array(&prev_hash)?,
            hash: hash_array(&hash)?,
        },
        case_version: case_version as u64,
    })
}

/// `(username, display_name, role, chair, active, created_at, password_hash)`.
pub(crate) type StaffRecordRow = (String, String, String, bool, bool, String, Option<String>);

pub(crate) fn stored_staff(row: StaffRecordRow) -> StoredStaff {
    let (username, display_name, role, chair, active, created_at, password_hash) = row;
    StoredStaff {
        member: staff_from_row((username, display_name, role, chair, active)),
        created_at,
        password_hash,
    }
}

/// The rows of one case's read models, computed from its folded state.
pub(crate) struct ReadModel {
    pub regime: String,
    pub language: &'static str,
    pub phase: &'static str,
    pub received_at: String,
    pub version: i64,
    pub state_json: String,
    pub deadlines: Vec<PendingDeadline>,
    pub resources: BTreeSet<String>,
    pub actors: BTreeSet<String>,
    /// `(occurred_on, resource_key)`.
    pub incidents: Vec<(String, Option<String>)>,
    pub orders: Vec<OrderModel>,
}

/// A row of `case_orders`: what resource owners query (no personal data).
pub(crate) struct OrderModel {
    pub order_id: String,
    pub owner: String,
    pub status: &'static str,
    pub issued_at: i64,
    pub removal_due: Option<i64>,
    /// The `OrderState` as JSON.
    pub state_json: String,
}

impl ReadModel {
    pub(crate) fn of(state: &CaseState, version: u64) -> Result<ReadModel, StoreError> {
        let state_json =
            serde_json::to_string(state).map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let ladder = Regimes::embedded()
            .get(&state.regime)
            .map(|regime| regime.escalation.clone())
            .unwrap_or_default();
        let orders = state
            .orders
            .iter()
            .map(|order| {
                Ok(OrderModel {
                    order_id: order.order_id.clone(),
                    owner: order.owner.clone(),
                    status: order_status_name(order.status),
                    issued_at: millis(order.issued_at),
                    removal_due: order.removal_due.map(millis),
                    state_json: serde_json::to_string(order)
                        .map_err(|error| StoreError::Corrupt(error.to_string()))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ReadModel {
            regime: state.regime.clone(),
            language: state.application.language.tag(),
            phase: state.phase.as_str(),
            received_at: state.received_at.to_string(),
            version: version as i64,
            state_json,
            deadlines: state.pending_deadlines(&ladder),
            resources: state
                .application
                .resources
                .iter()
                .map(|resource| resource.key.clone())
                .collect(),
            actors: state
                .application
                .incidents
                .iter()
                .filter_map(|incident| incident.actor_key.clone())
                .collect(),
            incidents: state
                .application
                .incidents
                .iter()
                .map(|incident| {
                    (
                        incident.occurred_on.to_string(),
                        incident.resource_key.clone(),
                    )
                })
                .collect(),
            orders,
        })
    }
}

/// `QG-2026-000042` → `(2026, 42)`: import rebuilds the case-number counters
/// from the case ids it loaded.
pub(crate) fn case_number(case_id: &str) -> Option<(i64, i64)> {
    let rest = case_id.strip_prefix("QG-")?;
    let (year, number) = rest.split_once('-')?;
    if year.len() != 4 || number.len() != 6 {
        return None;
    }
    Some((year.parse().ok()?, number.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_parse_only_in_their_one_shape() {
        assert_eq!(case_number("QG-2026-000042"), Some((2026, 42)));
        for bad in ["QG-26-000042", "QG-2026-42", "XX-2026-000042", "QG-2026"] {
            assert_eq!(case_number(bad), None, "{bad}");
        }
    }
}
