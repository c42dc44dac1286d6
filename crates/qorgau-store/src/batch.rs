//! Group commit: one writer per store instance.
//!
//! Every case write (`create_case_with`, `append_with`) is queued to one task
//! per store instance, which takes whatever is waiting when its previous
//! commit finishes — up to `MAX_BATCH` writes — and writes them all in ONE
//! transaction: the chain head is locked once, the entries of every case are
//! appended with multi-row statements, the head is moved, one commit (one
//! WAL flush) makes them all durable, and only then is each caller answered.
//! Under load this turns N lock hand-offs and N flushes into one; alone, a
//! write is a batch of one and waits for nothing.
//!
//! The promises of a write do not change:
//!
//! - *All or nothing for its case.* Each write is checked on its own before
//!   anything is written (`check`): the case exists and is at the version the
//!   caller loaded (else `CaseNotFound` / `Conflict`), its events fold onto
//!   the case (else `Corrupt`), each evidence item's leaf lands where its
//!   event says (else `Conflict`). A write that fails a check is left out of
//!   the batch and gets its error; the others go on. Should the database
//!   itself refuse a statement of the batch (a constraint, a lost
//!   connection), nothing of the batch was written and every write of it is
//!   tried again alone, in its own transaction, so one bad write cannot sink
//!   the others.
//! - *A returned write is durable*: answers are sent after the commit.
//! - *One chain*: the batch takes the same chain-head lock a single write
//!   took (PostgreSQL: `chain_head … FOR UPDATE`; SQLite: `BEGIN IMMEDIATE`),
//!   so instances still serialize on it — per batch instead of per write.
//!
//! What to write is decided here, once, for both stores (`check` then
//! `seal`); each store only runs the statements in its dialect
//! (`Committer`).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use qorgau_domain::procedure::state::ReplayError;
use qorgau_domain::procedure::{CaseEvent, CaseState};
use qorgau_domain::record::RecordEntry;
use tokio::sync::{mpsc, oneshot};

use crate::links::LinkKeys;
use crate::log::{self, Misplaced, NewLeaf};
use crate::rows::{self, ReadModel};
use crate::{NewJob, StoreError};

/// Writes per transaction at most: enough to share a flush among every
/// request a busy instance has in flight, small enough that one batch's
/// statements stay far below both databases' parameter limits.
pub(crate) const MAX_BATCH: usize = 128;

/// Writes waiting at most; a caller beyond it waits to queue (back-pressure).
const QUEUE: usize = 1024;

/// Which case a write is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A new case, numbered in the year of receipt.
    New { year: i16 },
    /// A case the caller loaded at `expected_version`.
    Existing {
        case_id: String,
        expected_version: u64,
    },
}

/// One case write, as queued.
#[derive(Debug, Clone)]
pub(crate) struct Write {
    pub target: Target,
    pub events: Vec<CaseEvent>,
    pub jobs: Vec<NewJob>,
    pub actor: String,
    pub now: Timestamp,
    /// The store places each `evidence_captured` event's `log_index` where
    /// its item's leaf lands (`place_evidence_leaves` at the log's size under
    /// the lock) instead of checking the caller's: a busy log cannot make
    /// the write conflict.
    pub place_leaves: bool,
    /// A new application to link, in this transaction, to the earlier cases
    /// that share one of its actor accounts or its child (issue 7;
    /// `links::BatchLinks`).
    pub links: Option<LinkKeys>,
}

/// A write as committed: its case, and the events as recorded when the
/// store placed their leaves or added links (`Write::place_leaves`,
/// `Write::links`).
#[derive(Debug)]
pub(crate) struct Written {
    pub case_id: String,
    pub placed: Option<Vec<CaseEvent>>,
}

/// What the writer answers for one write.
pub(crate) type Answer = Result<Written, StoreError>;

impl Write {
    /// The case id, once known (existing cases).
    fn existing_case(&self) -> Option<&str> {
        match &self.target {
            Target::Existing { case_id, .. } => Some(case_id),
            Target::New { .. } => None,
        }
    }
}

/// Why a batch wrote nothing.
#[derive(Debug)]
pub(crate) enum BatchError {
    /// A statement before the commit failed: the transaction was rolled
    /// back, and each write may still succeed alone.
    Statement(StoreError),
    /// The commit itself failed: the writes are not retried (with a lost
    /// connection it cannot be known whether it committed).
    Commit(StoreError),
}

/// Runs one batch in a store's dialect: locks the head, reads what `check`
/// needs, writes what `seal` made, commits.
pub(crate) trait Committer: Clone + Send + Sync + 'static {
    /// `Ok`: the transaction committed, with one answer per write (a write
    /// that failed its checks was left out and has its error).
    fn commit(
        &self,
        writes: &[Write],
    ) -> impl Future<Output = Result<Vec<Answer>, BatchError>> + Send;
}

struct Request {
    write: Write,
    answer: oneshot::Sender<Answer>,
}

/// The queue to a store instance's writer task. The task is started by the
/// first write (on the caller's runtime) and again if it ever stopped (its
/// runtime ended); it ends when the store and its clones are dropped.
pub(crate) struct Writer<C: Committer> {
    committer: C,
    queue: Mutex<Option<mpsc::Sender<Request>>>,
    counters: Arc<Counters>,
}

/// What a writer task has done, for `/metrics` (`WriterStats`).
#[derive(Debug, Default)]
struct Counters {
    batches: AtomicU64,
    writes: AtomicU64,
    busy_micros: AtomicU64,
}

/// What a store instance's writer has done since the instance started.
/// `busy` grows by the time each batch took, from its first statement to
/// its answers (a batch retried write by write counts once, with its
/// retries): a rate of `busy` near one second per second means the writer
/// is never idle, and this instance cannot take more writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions the writer ran (batches of one or more writes).
    pub batches: u64,
    /// Writes it ran: committed, or refused with their error (a write whose
    /// caller gave up before its batch began is not run, nor counted).
    pub writes: u64,
    pub busy: Duration,
}

impl<C: Committer> fmt::Debug for Writer<C> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Writer")
    }
}

impl<C: Committer> Writer<C> {
    pub fn new(committer: C) -> Self {
        Writer {
            committer,
            queue: Mutex::new(None),
            counters: Arc::default(),
        }
    }

    pub fn stats(&self) -> WriterStats {
        WriterStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            writes: self.counters.writes.load(Ordering::Relaxed),
            busy: Duration::from_micros(self.counters.busy_micros.load(Ordering::Relaxed)),
        }
    }

    fn sender(&self) -> mpsc::Sender<Request> {
        // A poisoned lock only means another caller panicked while holding
        // it; the Option inside is still whole.
        let mut queue = self
            .queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match queue.as_ref() {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::channel(QUEUE);
                tokio::spawn(run(
                    self.committer.clone(),
                    receiver,
                    Arc::clone(&self.counters),
                ));
                *queue = Some(sender.clone());
                sender
            }
        }
    }

    /// A new case: its id, and its events as recorded when placed or linked.
    #[allow(clippy::too_many_arguments)]
    pub async fn create(
        &self,
        year: i16,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
        place_leaves: bool,
        links: Option<&LinkKeys>,
    ) -> Answer {
        self.write(Write {
            target: Target::New { year },
            events: events.to_vec(),
            jobs: jobs.to_vec(),
            actor: actor.to_owned(),
            now,
            place_leaves,
            links: links.cloned(),
        })
        .await
    }

    /// Events appended to a case loaded at `expected_version`.
    #[allow(clippy::too_many_arguments)]
    pub async fn append(
        &self,
        case_id: &str,
        expected_version: u64,
        events: &[CaseEvent],
        jobs: &[NewJob],
        actor: &str,
        now: Timestamp,
        place_leaves: bool,
    ) -> Answer {
        self.write(Write {
            target: Target::Existing {
                case_id: case_id.to_owned(),
                expected_version,
            },
            events: events.to_vec(),
            jobs: jobs.to_vec(),
            actor: actor.to_owned(),
            now,
            place_leaves,
            links: None,
        })
        .await
    }

    /// Queues `write` and waits for its commit.
    pub async fn write(&self, write: Write) -> Answer {
        let (answer, answered) = oneshot::channel();
        self.sender()
            .send(Request { write, answer })
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))?;
        answered
            .await
            .map_err(|_| StoreError::Database(sqlx::Error::WorkerCrashed))?
    }
}

/// The writer task: one batch at a time, each of whatever waited meanwhile.
async fn run<C: Committer>(
    committer: C,
    mut queue: mpsc::Receiver<Request>,
    counters: Arc<Counters>,
) {
    while let Some(first) = queue.recv().await {
        let mut requests = vec![first];
        while requests.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(next) => requests.push(next),
                Err(_) => break,
            }
        }
        // A caller that gave up before its write began (a dropped HTTP
        // request) is not written for: nobody would learn the case number.
        requests.retain(|request| !request.answer.is_closed());
        if requests.is_empty() {
            continue;
        }
        let (writes, answers): (Vec<Write>, Vec<_>) = requests
            .into_iter()
            .map(|request| (request.write, request.answer))
            .unzip();
        let started = Instant::now();
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters
            .writes
            .fetch_add(writes.len() as u64, Ordering::Relaxed);
        commit_and_answer(&committer, &writes, answers).await;
        let busy = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        counters.busy_micros.fetch_add(busy, Ordering::Relaxed);
    }
}

/// One batch: committed together, or (if the database refused a statement)
/// each write alone; every caller answered.
async fn commit_and_answer<C: Committer>(
    committer: &C,
    writes: &[Write],
    answers: Vec<oneshot::Sender<Answer>>,
) {
    match committer.commit(writes).await {
        Ok(results) => {
            for (answer, result) in answers.into_iter().zip(results) {
                // The caller may have gone meanwhile; its write stands.
                let _ = answer.send(result);
            }
        }
        Err(BatchError::Statement(_)) if writes.len() > 1 => {
            // Nothing was written: each write alone, so the one the
            // database refused fails by itself.
            for (write, answer) in writes.iter().zip(answers) {
                let result = match committer.commit(std::slice::from_ref(write)).await {
                    Ok(mut results) => results.pop().unwrap_or_else(|| {
                        Err(StoreError::Corrupt("a write got no answer".to_owned()))
                    }),
                    Err(BatchError::Statement(error) | BatchError::Commit(error)) => Err(error),
                };
                let _ = answer.send(result);
            }
        }
        Err(BatchError::Statement(error) | BatchError::Commit(error)) => {
            for answer in answers {
                let _ = answer.send(Err(shared(&error)));
            }
        }
    }
}

/// The same error for each write of a failed batch (`sqlx::Error` is not
/// `Clone`; a database error is passed on as its text).
fn shared(error: &StoreError) -> StoreError {
    match error {
        StoreError::Conflict => StoreError::Conflict,
        StoreError::CaseNotFound(case_id) => StoreError::CaseNotFound(case_id.clone()),
        StoreError::NotFound(what) => StoreError::NotFound(what.clone()),
        StoreError::AlreadyExists(what) => StoreError::AlreadyExists(what.clone()),
        StoreError::Corrupt(why) => StoreError::Corrupt(why.clone()),
        StoreError::Schema(why) => StoreError::Schema(why.clone()),
        StoreError::Database(error) => {
            StoreError::Database(sqlx::Error::Protocol(error.to_string()))
        }
    }
}

// ---------------------------------------------------------------------------
// Deciding what a batch writes

/// An existing case as read under the lock: its version and folded state.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub version: u64,
    pub state: CaseState,
}

/// The existing cases a batch appends to, from their stored events in
/// version order: `(case_id, case_version, seq, payload)` rows, sorted by
/// case and version. A case whose events do not fold is left out with its
/// error (its writes get it).
pub(crate) fn fold_loaded(
    rows: Vec<(String, i64, i64, String)>,
) -> BTreeMap<String, Result<Loaded, String>> {
    let mut events: BTreeMap<String, Result<(u64, Vec<CaseEvent>), String>> = BTreeMap::new();
    for (case_id, version, seq, payload) in rows {
        let slot = events.entry(case_id).or_insert_with(|| Ok((0, Vec::new())));
        if let Ok((last, list)) = slot {
            match rows::decode(&payload, seq) {
                Ok(event) => {
                    *last = version as u64;
                    list.push(event);
                }
                Err(error) => *slot = Err(error.to_string()),
            }
        }
    }
    events
        .into_iter()
        .map(|(case_id, folded)| {
            let loaded = folded.and_then(|(version, events)| {
                CaseState::replay(&events)
                    .map(|state| Loaded { version, state })
                    .map_err(|error| format!("{case_id}: {error}"))
            });
            (case_id, loaded)
        })
        .collect()
}

/// The case ids a batch appends to (the existing cases to read).
pub(crate) fn existing_cases(writes: &[Write]) -> Vec<String> {
    let mut case_ids: Vec<String> = writes
        .iter()
        .filter_map(|write| write.existing_case().map(str::to_owned))
        .collect();
    case_ids.sort();
    case_ids.dedup();
    case_ids
}

/// A write that passed its checks: what `seal` needs to write it.
pub(crate) struct Checked {
    /// The existing case and its version before this write; `None`: new.
    existing: Option<(String, u64)>,
    year: i16,
    /// Each event's type and canonical JSON.
    payloads: Vec<(&'static str, String)>,
    /// The events with their leaves placed (`Write::place_leaves`).
    placed: Option<Vec<CaseEvent>>,
    /// The read models after this write.
    model: ReadModel,
}

/// Checks every write of a batch in order, each against the cases as the
/// writes before it left them: only writes that passed move the versions
/// and the log on. `loaded` is updated as writes pass.
pub(crate) fn check(
    writes: &[Write],
    loaded: &mut BTreeMap<String, Result<Loaded, String>>,
    log_size: u64,
) -> Vec<Result<Checked, StoreError>> {
    let mut next_leaf = log_size;
    writes
        .iter()
        .map(|write| {
            let (checked, leaves) = check_one(write, loaded, next_leaf)?;
            next_leaf += leaves;
            Ok(checked)
        })
        .collect()
}

fn check_one(
    write: &Write,
    loaded: &mut BTreeMap<String, Result<Loaded, String>>,
    next_leaf: u64,
) -> Result<(Checked, u64), StoreError> {
    let placed = (write.place_leaves || write.links.is_some()).then(|| {
        let mut events = write.events.clone();
        if write.place_leaves {
            log::place_evidence_leaves(&mut events, next_leaf);
        }
        events
    });
    let events = placed.as_deref().unwrap_or(&write.events);
    let (state, version, existing) = match &write.target {
        Target::New { .. } => {
            let state = CaseState::replay(events)
                .map_err(|error| StoreError::Corrupt(format!("a new case: {error}")))?;
            (state, events.len() as u64, None)
        }
        Target::Existing {
            case_id,
            expected_version,
        } => {
            let case = match loaded.get(case_id) {
                None => return Err(StoreError::CaseNotFound(case_id.clone())),
                Some(Err(why)) => return Err(StoreError::Corrupt(why.clone())),
                Some(Ok(case)) => case,
            };
            if case.version != *expected_version {
                return Err(StoreError::Conflict);
            }
            let mut state = case.state.clone();
            for (offset, event) in events.iter().enumerate() {
                state.apply(event).map_err(|why| {
                    let error = ReplayError {
                        index: case.version as usize + offset,
                        event_type: event.type_name(),
                        why,
                    };
                    StoreError::Corrupt(format!("{case_id}: {error}"))
                })?;
            }
            let version = case.version + events.len() as u64;
            (state, version, Some((case_id.clone(), case.version)))
        }
    };
    // Each evidence item's leaf must land where its event says: the same
    // rule, with a stand-in seq and hash (they do not move the leaves).
    let mut leaves = 0u64;
    let mut payloads = Vec::with_capacity(events.len());
    for event in events {
        leaves += log::leaves_for(event, 0, &[0; 32], next_leaf + leaves, Misplaced::Conflict)?
            .len() as u64;
        payloads.push((event.type_name(), rows::encode(event)?));
    }
    let model = ReadModel::of(&state, version)?;
    let year = match write.target {
        Target::New { year } => year,
        Target::Existing { .. } => 0,
    };
    if let Some((case_id, _)) = &existing {
        loaded.insert(case_id.clone(), Ok(Loaded { version, state }));
    }
    Ok((
        Checked {
            existing,
            year,
            payloads,
            placed,
            model,
        },
        leaves,
    ))
}

/// How many new cases of each year passed their checks: the case numbers to
/// take.
pub(crate) fn new_cases_per_year(checked: &[Result<Checked, StoreError>]) -> BTreeMap<i16, i64> {
    let mut years = BTreeMap::new();
    for checked in checked.iter().flatten() {
        if checked.existing.is_none() {
            *years.entry(checked.year).or_insert(0) += 1;
        }
    }
    years
}

/// Everything a batch writes, in the order the statements need it.
#[derive(Default)]
pub(crate) struct Sealed {
    /// Record entries with their case versions, in seq order.
    pub entries: Vec<(RecordEntry, u64)>,
    pub leaves: Vec<NewLeaf>,
    /// `(case_id, job, now)`.
    pub jobs: Vec<(String, NewJob, Timestamp)>,
    /// Existing cases whose read-model rows are replaced.
    pub replaced: Vec<String>,
    /// The read models of every case written, once each (the last write's).
    pub models: Vec<(String, ReadModel)>,
    /// The new chain head.
    pub head: (u64, [u8; 32]),
    /// One per write: its case id, or why it was left out.
    pub answers: Vec<Answer>,
}

impl Sealed {
    /// Nothing to write (every write failed its checks).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Numbers the new cases (`first_numbers`: the first number each year
/// takes), chains every entry after `head` and places the log's leaves from
/// `log_size`, in the order of the writes.
pub(crate) fn seal(
    writes: &[Write],
    checked: Vec<Result<Checked, StoreError>>,
    head: (u64, [u8; 32]),
    log_size: u64,
    mut first_numbers: BTreeMap<i16, i64>,
) -> Result<Sealed, StoreError> {
    let (mut seq, mut prev_hash) = head;
    let mut next_leaf = log_size;
    let mut sealed = Sealed::default();
    let mut models: BTreeMap<String, ReadModel> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (write, checked) in writes.iter().zip(checked) {
        let checked = match checked {
            Ok(checked) => checked,
            Err(error) => {
                sealed.answers.push(Err(error));
                continue;
            }
        };
        let (case_id, first_version) = match checked.existing {
            Some((case_id, version)) => {
                if !sealed.replaced.contains(&case_id) {
                    sealed.replaced.push(case_id.clone());
                }
                (case_id, version)
            }
            None => {
                let number = first_numbers.get_mut(&checked.year).ok_or_else(|| {
                    StoreError::Corrupt(format!("no case number taken for {}", checked.year))
                })?;
                let case_id = format!("QG-{:04}-{:06}", checked.year, *number);
                *number += 1;
                (case_id, 0)
            }
        };
        let recorded_at = write.now.to_string();
        let events = checked.placed.as_deref().unwrap_or(&write.events);
        for (offset, (event, (event_type, payload))) in
            events.iter().zip(checked.payloads).enumerate()
        {
            seq += 1;
            let entry = RecordEntry::seal(
                seq,
                case_id.clone(),
                event_type.to_owned(),
                payload,
                write.actor.clone(),
                recorded_at.clone(),
                prev_hash,
            );
            for leaf in log::leaves_for(event, seq, &entry.hash, next_leaf, Misplaced::Conflict)? {
                next_leaf += 1;
                sealed.leaves.push(leaf);
            }
            prev_hash = entry.hash;
            sealed
                .entries
                .push((entry, first_version + offset as u64 + 1));
        }
        for job in &write.jobs {
            sealed.jobs.push((case_id.clone(), job.clone(), write.now));
        }
        if models.insert(case_id.clone(), checked.model).is_none() {
            order.push(case_id.clone());
        }
        sealed.answers.push(Ok(Written {
            case_id,
            placed: checked.placed,
        }));
    }
    sealed.models = order
        .into_iter()
        .filter_map(|case_id| models.remove(&case_id).map(|model| (case_id, model)))
        .collect();
    sealed.head = (seq, prev_hash);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use qorgau_domain::application::{
        ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
    };
    use qorgau_domain::calendar::WorkingCalendar;
    use qorgau_domain::procedure::receive_application;
    use qorgau_domain::record::{ChainVerifier, GENESIS};
    use qorgau_domain::regime::Regimes;

    fn now() -> Timestamp {
        "2026-12-02T05:00:00Z".parse().unwrap()
    }

    fn new_case() -> Write {
        let form = ApplicationForm {
            language: None,
            applicant: ApplicantForm {
                name: Some("Applicant".into()),
                relation: Some(Relation::Parent),
                email: Some("parent@example.kz".into()),
                ..ApplicantForm::default()
            },
            child: ChildForm {
                name: Some("Child".into()),
                birth_date: Some("2013-01-01".into()),
                iin: None,
            },
            resources: vec![ResourceForm {
                url: "https://t.me/a_channel".into(),
            }],
            incidents: vec![IncidentForm {
                occurred_on: "2026-11-20".into(),
                resource_url: Some("https://t.me/a_channel".into()),
                description: "posts".into(),
                actor: Some("@x".into()),
            }],
            description: None,
        };
        let events = receive_application(
            &form,
            Channel::Electronic,
            now(),
            now(),
            WorkingCalendar::embedded(),
            Regimes::embedded(),
        )
        .unwrap();
        Write {
            target: Target::New { year: 2026 },
            events,
            jobs: vec![],
            actor: "coord".into(),
            now: now(),
            place_leaves: false,
            links: None,
        }
    }

    fn append(case_id: &str, version: u64, events: Vec<CaseEvent>) -> Write {
        Write {
            target: Target::Existing {
                case_id: case_id.into(),
                expected_version: version,
            },
            events,
            jobs: vec![],
            actor: "e1".into(),
            now: now(),
            place_leaves: false,
            links: None,
        }
    }

    /// One batch: a new case, an append that cannot follow, a stale append,
    /// an append to nothing and a good append — the bad ones are left out,
    /// the good ones chain without a gap.
    #[test]
    fn a_failing_write_is_left_out_and_the_others_chain_on() {
        let mut loaded = BTreeMap::new();
        let existing = new_case().events;
        loaded.insert(
            "QG-2026-000001".to_owned(),
            Ok(Loaded {
                version: existing.len() as u64,
                state: CaseState::replay(&existing).unwrap(),
            }),
        );
        let version = existing.len() as u64;
        let writes = vec![
            new_case(),
            append(
                "QG-2026-000001",
                version,
                vec![CaseEvent::ApplicationRegistered],
            ),
            append(
                "QG-2026-000001",
                version - 1,
                vec![CaseEvent::ReviewStarted],
            ),
            append("QG-2026-000099", 2, vec![CaseEvent::ReviewStarted]),
            append("QG-2026-000001", version, vec![CaseEvent::ReviewStarted]),
            // Loaded at the version before the write above: now stale.
            append("QG-2026-000001", version, vec![CaseEvent::ReviewStarted]),
            new_case(),
        ];
        let checked = check(&writes, &mut loaded, 0);
        let years = new_cases_per_year(&checked);
        assert_eq!(years, BTreeMap::from([(2026, 2)]));
        let sealed = seal(
            &writes,
            checked,
            (0, GENESIS),
            0,
            BTreeMap::from([(2026, 2)]),
        )
        .unwrap();
        let answers: Vec<String> = sealed
            .answers
            .iter()
            .map(|answer| match answer {
                Ok(written) => written.case_id.clone(),
                Err(StoreError::Conflict) => "conflict".into(),
                Err(StoreError::CaseNotFound(_)) => "not found".into(),
                Err(StoreError::Corrupt(_)) => "corrupt".into(),
                Err(other) => other.to_string(),
            })
            .collect();
        assert_eq!(
            answers,
            [
                "QG-2026-000002",
                "corrupt",
                "conflict",
                "not found",
                "QG-2026-000001",
                "conflict",
                "QG-2026-000003"
            ]
        );
        let mut verifier = ChainVerifier::default();
        for (entry, _) in &sealed.entries {
            verifier.check(entry).unwrap();
        }
        let summary = verifier.finish();
        assert_eq!(summary.entries, 2 * existing.len() as u64 + 1);
        assert_eq!(sealed.head, (summary.entries, summary.head));
        let versions: Vec<(String, u64)> = sealed
            .entries
            .iter()
            .map(|(entry, version)| (entry.case_id.clone(), *version))
            .collect();
        assert!(versions.contains(&("QG-2026-000001".into(), version + 1)));
        assert_eq!(sealed.leaves.len(), sealed.entries.len());
        assert_eq!(sealed.replaced, ["QG-2026-000001"]);
        assert_eq!(sealed.models.len(), 3);
    }
}
