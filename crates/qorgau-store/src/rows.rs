//! How domain values become rows and back, shared by both stores so that they
//! store and answer exactly the same things. Only the SQL dialect differs
//! between `sqlite.rs` and `postgres.rs`; everything that decides *what* is
//! written lives here.

use std::collections::BTreeSet;
use std::str::FromStr;

use jiff::Timestamp;
use qorgau_domain::procedure::command::order_status_name;
use qorgau_domain::procedure::{
    CaseEvent, CaseState, DeadlineKind, PendingDeadline, VerificationResult,
};
use qorgau_domain::record::{RecordEntry, canonical_json};
use qorgau_domain::regime::Regimes;

use crate::{
    EvidenceRow, Job, JobStatus, LogLeaf, StaffMember, StaffRole, StoreError, StoredCheckpoint,
    StoredEntry, StoredStaff,
};

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
    pub evidence: Vec<EvidenceModel>,
    /// The links recorded in this case (`case_links`).
    pub links: Vec<qorgau_domain::linking::CaseLink>,
    /// The child, whose keyed hashes `case_children` holds (never the data).
    pub child: qorgau_domain::application::Child,
    /// What the statistics count (`case_stats`, `case_stats_orders`).
    pub stats: qorgau_domain::statistics::CaseFacts,
}

/// A row of `case_evidence`: the evidence index.
pub(crate) struct EvidenceModel {
    pub evidence_id: String,
    pub position: i64,
    pub kind: &'static str,
    pub url: String,
    pub digest: Option<String>,
    pub size: Option<i64>,
    pub captured_at: Option<String>,
    pub status: &'static str,
    pub reason: Option<String>,
    pub log_index: Option<i64>,
    pub original_id: Option<String>,
    pub attempts: i64,
    pub retry_at: Option<String>,
    pub order_id: Option<String>,
    pub removal: Option<&'static str>,
}

pub(crate) fn verification_name(result: VerificationResult) -> &'static str {
    match result {
        VerificationResult::Removed => "removed",
        VerificationResult::StillPresent => "still_present",
        VerificationResult::Unreachable => "unreachable",
    }
}

/// `(evidence_id, case_id, kind, url, digest, size, captured_at, status,
/// reason, log_index, original_id, attempts, retry_at, order_id, removal)`.
pub(crate) type EvidenceRowTuple = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The columns of `case_evidence` in `EvidenceRowTuple`'s order.
pub(crate) const EVIDENCE_COLUMNS: &str = "evidence_id, case_id, kind, url, digest, size, \
    captured_at, status, reason, log_index, original_id, attempts, retry_at, order_id, removal";

pub(crate) fn evidence_row(row: EvidenceRowTuple) -> Result<EvidenceRow, StoreError> {
    let (
        evidence_id,
        case_id,
        kind,
        url,
        digest,
        size,
        captured_at,
        status,
        reason,
        log_index,
        original_id,
        attempts,
        retry_at,
        order_id,
        removal,
    ) = row;
    Ok(EvidenceRow {
        evidence_id,
        case_id,
        kind,
        url,
        digest,
        size: size.map(|size| size as u64),
        captured_at: captured_at.as_deref().map(timestamp).transpose()?,
        status,
        reason,
        log_index: log_index.map(|index| index as u64),
        original_id,
        attempts: attempts as u32,
        retry_at: retry_at.as_deref().map(timestamp).transpose()?,
        order_id,
        removal,
    })
}

/// `(id, kind, case_id, payload, status, run_at, attempts, last_error, created_at)`.
pub(crate) type JobRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    i64,
    i64,
    Option<String>,
    i64,
);

pub(crate) const JOB_COLUMNS: &str =
    "id, kind, case_id, payload, status, run_at, attempts, last_error, created_at";

pub(crate) fn job_row(row: JobRow) -> Result<Job, StoreError> {
    let (id, kind, case_id, payload, status, run_at, attempts, last_error, created_at) = row;
    let status = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
    ]
    .into_iter()
    .find(|known| known.as_str() == status)
    .ok_or_else(|| StoreError::Corrupt(format!("job {id}: unknown status {status}")))?;
    Ok(Job {
        id,
        kind,
        case_id,
        payload,
        status,
        run_at: from_millis(run_at),
        attempts: attempts as u32,
        last_error,
        created_at: from_millis(created_at),
    })
}

/// `(tree_size, root, note, signed_at)`.
pub(crate) type CheckpointRow = (i64, Vec<u8>, String, String);

pub(crate) fn checkpoint_row(row: CheckpointRow) -> Result<StoredCheckpoint, StoreError> {
    let (tree_size, root, note, signed_at) = row;
    Ok(StoredCheckpoint {
        tree_size: tree_size as u64,
        root: hash_array(&root)?,
        note,
        signed_at: timestamp(&signed_at)?,
    })
}

pub(crate) fn leaf_row(
    (index, entry, leaf_hash): (i64, Vec<u8>, Vec<u8>),
) -> Result<LogLeaf, StoreError> {
    Ok(LogLeaf {
        index: index as u64,
        entry,
        leaf_hash: hash_array(&leaf_hash)?,
    })
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
            // The accounts of the incidents and of the imported chats' actors.
            actors: state
                .application
                .incidents
                .iter()
                .filter_map(|incident| incident.actor_key.clone())
                .chain(state.chats.iter().map(|chat| chat.actor_key.clone()))
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
                // Each day the actor wrote in an imported chat is an occasion.
                .chain(
                    state
                        .chat_incident_keys()
                        .into_iter()
                        .map(|key| (key.occurred_on.to_string(), key.resource_key)),
                )
                .collect(),
            orders,
            evidence: state
                .evidence
                .iter()
                .enumerate()
                .map(|(position, item)| EvidenceModel {
                    evidence_id: item.evidence_id.clone(),
                    position: position as i64,
                    kind: item.kind.as_str(),
                    url: item.url.clone(),
                    digest: item.digest.clone(),
                    size: item.size.map(|size| size as i64),
                    captured_at: item.captured_at.map(|at| at.to_string()),
                    status: item.status.as_str(),
                    reason: item.reason.clone(),
                    log_index: item.log_index.map(|index| index as i64),
                    original_id: item.original_id.clone(),
                    attempts: i64::from(item.attempts),
                    retry_at: item.retry_at.map(|at| at.to_string()),
                    order_id: item.order_id.clone(),
                    removal: item.removal.map(verification_name),
                })
                .collect(),
            links: state.links.clone(),
            child: state.application.child.clone(),
            stats: crate::stats::as_stored(qorgau_domain::statistics::CaseFacts::of(state)),
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
