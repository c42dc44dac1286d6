//! The portable archive: a whole store as JSON Lines, for moving a record from
//! one store to another (the embedded pilot to PostgreSQL, one server to the
//! next). The format is documented in `docs/operations.md`.
//!
//! ```text
//! {"kind":"header","format":"qorgau-archive","version":2,"exported_at":"…"}
//! {"kind":"staff","username":"…","display_name":"…","role":"expert","chair":true,"active":true,
//!  "created_at":"…","password_hash":"$argon2id$…"}
//! {"kind":"owner","name":"telegram","display_name":"…","api_key_hash":"…","domains":["t.me"],"created_at":"…"}
//! {"kind":"checkpoint","tree_size":24,"root":"…","note":"qorgau.example.kz/log\n24\n…","signed_at":"…"}
//! {"kind":"event","seq":1,"case_id":"QG-2026-000001","case_version":1,"event_type":"…","payload":"…",
//!  "actor":"…","recorded_at":"…","prev_hash":"00…","hash":"…"}
//! {"kind":"job","job_kind":"capture","case_id":"QG-2026-000001","payload":"{…}","status":"queued",
//!  "run_at":"…","attempts":0,"created_at":"…"}
//! {"kind":"end","staff":4,"owners":1,"events":12,"head":"…","checkpoints":1,"jobs":1}
//! ```
//!
//! Version 2 added the transparency log's signed checkpoints (before the
//! events, so an import checks each one's root as the log it rebuilds passes
//! its size) and the job queue (after the events: a job belongs to a case of
//! the archive). A job that was running when exported travels as queued —
//! its worker belonged to the old store, and every job is idempotent — so
//! the new store continues pending captures. Version 1 archives still load.
//!
//! Events carry their stored bytes (`payload` and `recorded_at` exactly as
//! hashed) and both hashes in lowercase hex, so an import re-verifies the chain
//! entry by entry and an archive can be checked with nothing but
//! `docs/case-record.md`. Staff and resource owners travel with their password
//! and API-key hashes (never the secrets themselves) so people keep signing in.
//! Read models are not exported: import rebuilds them from the events; staff
//! sessions are not exported either (everyone signs in again). The end line makes a truncated file an error instead of a
//! shorter record.
//!
//! Both directions stream: export pages through the chain 1000 entries at a
//! time, import loads one line at a time inside one transaction (a failed
//! import writes nothing).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use hex::FromHex;
use jiff::Timestamp;
use qorgau_domain::record::{ChainBreak, GENESIS, RecordEntry};
use serde::{Deserialize, Serialize};

use crate::log::Frontier;
use crate::{
    Job, JobStatus, Maintenance, ResourceOwner, StaffMember, StoreError, StoredCheckpoint, rows,
};

/// The `format` of the header line.
pub const FORMAT: &str = "qorgau-archive";
/// The version of the format this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest version this build reads (version 1: no checkpoints, no jobs).
pub const OLDEST_VERSION: u32 = 1;

/// Entries per page when exporting.
const PAGE: u32 = 1000;

/// An entry of the case record with its position within its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub entry: RecordEntry,
    /// 1-based position of the event within its case.
    pub case_version: u64,
}

/// A staff member as stored, with when they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStaff {
    pub member: StaffMember,
    /// RFC 3339, as stored.
    pub created_at: String,
    /// Argon2id (PHC string), when a password was set.
    pub password_hash: Option<String>,
}

/// A resource owner as stored, with when they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOwner {
    pub owner: ResourceOwner,
    /// RFC 3339, as stored.
    pub created_at: String,
}

/// One thing an import loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveItem {
    Staff(StoredStaff),
    Owner(StoredOwner),
    Entry(StoredEntry),
    /// A signed checkpoint of the log (which the import rebuilds and checks
    /// it against).
    Checkpoint(StoredCheckpoint),
    /// A job of the queue (`id` is not kept: the new store numbers its own).
    Job(Job),
}

/// What an export wrote or an import loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveSummary {
    pub staff: u64,
    pub owners: u64,
    pub events: u64,
    pub cases: u64,
    /// The hash of the last entry (32 zero bytes for an empty record).
    pub head: [u8; 32],
    pub checkpoints: u64,
    pub jobs: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file is not a (complete) Qorgau archive.
    #[error("line {line}: {detail}")]
    Format { line: u64, detail: String },
    /// Import only fills an empty store: merging two records would fork the chain.
    #[error("the store already holds a record or staff; import only into an empty store")]
    NotEmpty,
    /// An entry of the archive does not continue the chain.
    #[error(transparent)]
    Broken(#[from] ChainBreak),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Line {
    Header {
        format: String,
        version: u32,
        exported_at: String,
    },
    Staff {
        username: String,
        display_name: String,
        role: String,
        chair: bool,
        active: bool,
        created_at: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_hash: Option<String>,
    },
    Owner {
        name: String,
        display_name: String,
        api_key_hash: String,
        domains: Vec<String>,
        created_at: String,
    },
    Event {
        seq: u64,
        case_id: String,
        case_version: u64,
        event_type: String,
        payload: String,
        actor: String,
        recorded_at: String,
        prev_hash: String,
        hash: String,
    },
    Checkpoint {
        tree_size: u64,
        /// Lowercase hex.
        root: String,
        note: String,
        signed_at: String,
    },
    Job {
        job_kind: String,
        case_id: Option<String>,
        payload: String,
        /// `queued`, `done` or `failed` (a running job travels as queued).
        status: String,
        run_at: String,
        attempts: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_error: Option<String>,
        created_at: String,
    },
    End {
        staff: u64,
        owners: u64,
        events: u64,
        head: String,
        #[serde(default)]
        checkpoints: u64,
        #[serde(default)]
        jobs: u64,
    },
}

fn write_line(out: &mut impl Write, line: &Line) -> Result<(), ArchiveError> {
    serde_json::to_writer(&mut *out, line).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes the whole store to `out`: staff, resource owners, the log's signed
/// checkpoints, then every entry of the chain in order, the jobs of the cases
/// exported, then the end line. The chain is append-only, so paging through
/// it while other instances write yields a consistent prefix; checkpoints are
/// read before it (each covers a prefix of what follows) and jobs after it
/// (a job of a case written meanwhile stays behind with its case).
pub async fn export<S: Maintenance>(
    store: &S,
    exported_at: Timestamp,
    out: &mut impl Write,
) -> Result<ArchiveSummary, ArchiveError> {
    write_line(
        out,
        &Line::Header {
            format: FORMAT.to_owned(),
            version: FORMAT_VERSION,
            exported_at: exported_at.to_string(),
        },
    )?;
    let mut summary = ArchiveSummary {
        staff: 0,
        owners: 0,
        events: 0,
        cases: 0,
        head: GENESIS,
        checkpoints: 0,
        jobs: 0,
    };
    for record in store.staff_records().await? {
        let member = record.member;
        write_line(
            out,
            &Line::Staff {
                username: member.username,
                display_name: member.display_name,
                role: member.role.as_str().to_owned(),
                chair: member.chair,
                active: member.active,
                created_at: record.created_at,
                password_hash: record.password_hash,
            },
        )?;
        summary.staff += 1;
    }
    for record in store.owner_records().await? {
        let owner = record.owner;
        write_line(
            out,
            &Line::Owner {
                name: owner.name,
                display_name: owner.display_name,
                api_key_hash: owner.api_key_hash,
                domains: owner.domains,
                created_at: record.created_at,
            },
        )?;
        summary.owners += 1;
    }
    for checkpoint in store.checkpoint_records().await? {
        write_line(
            out,
            &Line::Checkpoint {
                tree_size: checkpoint.tree_size,
                root: hex::encode(checkpoint.root),
                note: checkpoint.note,
                signed_at: checkpoint.signed_at.to_string(),
            },
        )?;
        summary.checkpoints += 1;
    }
    let mut cases = std::collections::BTreeSet::new();
    let mut after = 0;
    loop {
        let page = store.entries_after(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.entry.seq;
        for stored in page {
            let entry = stored.entry;
            summary.events += 1;
            summary.head = entry.hash;
            if stored.case_version == 1 {
                summary.cases += 1;
                cases.insert(entry.case_id.clone());
            }
            write_line(
                out,
                &Line::Event {
                    seq: entry.seq,
                    case_id: entry.case_id,
                    case_version: stored.case_version,
                    event_type: entry.event_type,
                    payload: entry.payload,
                    actor: entry.actor,
                    recorded_at: entry.recorded_at,
                    prev_hash: hex::encode(entry.prev_hash),
                    hash: hex::encode(entry.hash),
                },
            )?;
        }
    }
    for job in store.job_records().await? {
        if job
            .case_id
            .as_ref()
            .is_some_and(|case_id| !cases.contains(case_id))
        {
            continue;
        }
        write_line(
            out,
            &Line::Job {
                job_kind: job.kind,
                case_id: job.case_id,
                payload: job.payload,
                status: match job.status {
                    JobStatus::Running => JobStatus::Queued,
                    other => other,
                }
                .as_str()
                .to_owned(),
                run_at: job.run_at.to_string(),
                attempts: job.attempts,
                last_error: job.last_error,
                created_at: job.created_at.to_string(),
            },
        )?;
        summary.jobs += 1;
    }
    write_line(
        out,
        &Line::End {
            staff: summary.staff,
            owners: summary.owners,
            events: summary.events,
            head: hex::encode(summary.head),
            checkpoints: summary.checkpoints,
            jobs: summary.jobs,
        },
    )?;
    out.flush()?;
    Ok(summary)
}

/// Loads an archive into an empty store, re-verifying the chain entry by entry
/// and rebuilding the read models from the events; all in one transaction.
pub async fn import<S: Maintenance>(
    store: &S,
    input: impl BufRead + Send,
) -> Result<ArchiveSummary, ArchiveError> {
    let mut reader = ArchiveReader::new(input);
    store.import(&mut reader).await
}

/// Reads an archive line by line, checking its shape: a header first, an end
/// line last whose counts and head match what came before, nothing after it.
pub struct ArchiveReader<R> {
    input: R,
    buffer: String,
    line: u64,
    started: bool,
    finished: bool,
    staff: u64,
    owners: u64,
    events: u64,
    head: [u8; 32],
    checkpoints: u64,
    jobs: u64,
    /// The last checkpoint's tree size (they come in increasing order).
    last_tree_size: Option<u64>,
}

impl<R: BufRead> ArchiveReader<R> {
    pub fn new(input: R) -> ArchiveReader<R> {
        ArchiveReader {
            input,
            buffer: String::new(),
            line: 0,
            started: false,
            finished: false,
            staff: 0,
            owners: 0,
            events: 0,
            head: GENESIS,
            checkpoints: 0,
            jobs: 0,
            last_tree_size: None,
        }
    }

    fn format_error(&self, detail: impl Into<String>) -> ArchiveError {
        ArchiveError::Format {
            line: self.line,
            detail: detail.into(),
        }
    }

    fn read_line(&mut self) -> Result<Option<Line>, ArchiveError> {
        self.buffer.clear();
        if self.input.read_line(&mut self.buffer)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        serde_json::from_str(self.buffer.trim_end_matches(['\n', '\r']))
            .map(Some)
            .map_err(|error| self.format_error(error.to_string()))
    }

    fn hash(&self, field: &str, text: &str) -> Result<[u8; 32], ArchiveError> {
        <[u8; 32]>::from_hex(text)
            .map_err(|_| self.format_error(format!("{field} is not 64 hexadecimal digits")))
    }

    fn step(&mut self) -> Result<Option<ArchiveItem>, ArchiveError> {
        let Some(line) = self.read_line()? else {
            return Err(self.format_error(if self.started {
                "the archive ends before its end line: it is incomplete"
            } else {
                "the file is empty"
            }));
        };
        match line {
            Line::Header {
                format, version, ..
            } if !self.started => {
                if format != FORMAT {
                    return Err(self.format_error(format!("“{format}” is not {FORMAT}")));
                }
                if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&version) {
                    return Err(self.format_error(format!(
                        "format version {version}; this Qorgau reads versions \
                         {OLDEST_VERSION} to {FORMAT_VERSION}"
                    )));
                }
                self.started = true;
                self.step()
            }
            _ if !self.started => {
                Err(self.format_error("the first line is not a Qorgau archive header"))
            }
            Line::Header { .. } => Err(self.format_error("a second header")),
            Line::Staff {
                username,
                display_name,
                role,
                chair,
                active,
                created_at,
                password_hash,
            } => {
                if role != "coordinator" && role != "expert" {
                    return Err(self.format_error(format!("unknown staff role “{role}”")));
                }
                self.staff += 1;
                Ok(Some(ArchiveItem::Staff(StoredStaff {
                    member: StaffMember {
                        username,
                        display_name,
                        role: rows::staff_role(&role),
                        chair,
                        active,
                    },
                    created_at,
                    password_hash,
                })))
            }
            Line::Owner {
                name,
                display_name,
                api_key_hash,
                domains,
                created_at,
            } => {
                self.owners += 1;
                Ok(Some(ArchiveItem::Owner(StoredOwner {
                    owner: ResourceOwner {
                        name,
                        display_name,
                        api_key_hash,
                        domains,
                    },
                    created_at,
                })))
            }
            Line::Event {
                seq,
                case_id,
                case_version,
                event_type,
                payload,
                actor,
                recorded_at,
                prev_hash,
                hash,
            } => {
                let entry = RecordEntry {
                    seq,
                    case_id,
                    event_type,
                    payload,
                    actor,
                    recorded_at,
                    prev_hash: self.hash("prev_hash", &prev_hash)?,
                    hash: self.hash("hash", &hash)?,
                };
                self.events += 1;
                self.head = entry.hash;
                Ok(Some(ArchiveItem::Entry(StoredEntry {
                    entry,
                    case_version,
                })))
            }
            Line::Checkpoint {
                tree_size,
                root,
                note,
                signed_at,
            } => {
                if self.events > 0 {
                    return Err(self.format_error("a checkpoint after the events"));
                }
                if self.last_tree_size.is_some_and(|last| last >= tree_size) {
                    return Err(self.format_error("checkpoints out of order"));
                }
                self.last_tree_size = Some(tree_size);
                self.checkpoints += 1;
                Ok(Some(ArchiveItem::Checkpoint(StoredCheckpoint {
                    tree_size,
                    root: self.hash("root", &root)?,
                    note,
                    signed_at: rows::timestamp(&signed_at)
                        .map_err(|_| self.format_error("signed_at is not a time"))?,
                })))
            }
            Line::Job {
                job_kind,
                case_id,
                payload,
                status,
                run_at,
                attempts,
                last_error,
                created_at,
            } => {
                let status = [JobStatus::Queued, JobStatus::Done, JobStatus::Failed]
                    .into_iter()
                    .find(|known| known.as_str() == status)
                    .ok_or_else(|| self.format_error(format!("unknown job status “{status}”")))?;
                let time = |text: &str, field: &str| {
                    rows::timestamp(text)
                        .map_err(|_| self.format_error(format!("{field} is not a time")))
                };
                let job = Job {
                    id: 0,
                    kind: job_kind,
                    case_id,
                    payload,
                    status,
                    run_at: time(&run_at, "run_at")?,
                    attempts,
                    last_error,
                    created_at: time(&created_at, "created_at")?,
                };
                self.jobs += 1;
                Ok(Some(ArchiveItem::Job(job)))
            }
            Line::End {
                staff,
                owners,
                events,
                head,
                checkpoints,
                jobs,
            } => {
                let head = self.hash("head", &head)?;
                if (checkpoints, jobs) != (self.checkpoints, self.jobs) {
                    return Err(self.format_error(format!(
                        "the end line counts {checkpoints} checkpoints and {jobs} jobs, but the \
                         archive holds {} and {}",
                        self.checkpoints, self.jobs
                    )));
                }
                let found = (self.staff, self.owners, self.events, self.head);
                if (staff, owners, events, head) != found {
                    return Err(self.format_error(format!(
                        "the end line counts {staff} staff, {owners} owners and {events} events \
                         ending in {}, but the archive holds {} staff, {} owners and {} events \
                         ending in {}",
                        hex::encode(head),
                        self.staff,
                        self.owners,
                        self.events,
                        hex::encode(self.head)
                    )));
                }
                if self.read_line()?.is_some() {
                    return Err(self.format_error("a line after the end line"));
                }
                Ok(None)
            }
        }
    }
}

impl<R: BufRead> Iterator for ArchiveReader<R> {
    type Item = Result<ArchiveItem, ArchiveError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.step() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(error) => {
                self.finished = true;
                Some(Err(error))
            }
        }
    }
}

/// Checks an archive's checkpoints against the log an import rebuilds: each
/// one's root must be the rebuilt log's root at its size (leaves are fed in
/// as they are written; memory stays O(log n)), and none may be larger than
/// the log. Then the store keeps them.
#[derive(Debug, Default)]
pub(crate) struct CheckpointCheck {
    pending: std::collections::VecDeque<StoredCheckpoint>,
    checked: Vec<StoredCheckpoint>,
    frontier: Frontier,
}

impl CheckpointCheck {
    /// A checkpoint from the archive (they come before the events, in order).
    pub fn expect(&mut self, checkpoint: StoredCheckpoint) -> Result<(), ArchiveError> {
        if checkpoint.tree_size < self.frontier.size()
            || (checkpoint.tree_size == self.frontier.size() && self.frontier.size() > 0)
        {
            return Err(StoreError::Corrupt(format!(
                "the checkpoint of {} leaves comes after the log passed that size",
                checkpoint.tree_size
            ))
            .into());
        }
        self.pending.push_back(checkpoint);
        self.settle()
    }

    /// The next leaf written.
    pub fn leaf(&mut self, leaf_hash: [u8; 32]) -> Result<(), ArchiveError> {
        self.frontier.push(leaf_hash);
        self.settle()
    }

    fn settle(&mut self) -> Result<(), ArchiveError> {
        while let Some(next) = self.pending.front()
            && next.tree_size == self.frontier.size()
        {
            if next.root != self.frontier.root() {
                return Err(StoreError::Corrupt(format!(
                    "the checkpoint of {} leaves does not match the log the record rebuilds",
                    next.tree_size
                ))
                .into());
            }
            if let Some(checkpoint) = self.pending.pop_front() {
                self.checked.push(checkpoint);
            }
        }
        Ok(())
    }

    /// The checkpoints, all checked; an error if one is larger than the log.
    pub fn finish(self) -> Result<Vec<StoredCheckpoint>, ArchiveError> {
        if let Some(beyond) = self.pending.front() {
            return Err(StoreError::Corrupt(format!(
                "the checkpoint of {} leaves is larger than the log the record rebuilds ({})",
                beyond.tree_size,
                self.frontier.size()
            ))
            .into());
        }
        Ok(self.checked)
    }
}

/// Checks that an imported job belongs to a case of the archive.
pub(crate) fn check_job_case(
    versions: &BTreeMap<String, u64>,
    job: &Job,
) -> Result<(), ArchiveError> {
    match &job.case_id {
        Some(case_id) if !versions.contains_key(case_id) => Err(StoreError::Corrupt(format!(
            "a {} job of case {case_id}, which the archive does not hold",
            job.kind
        ))
        .into()),
        _ => Ok(()),
    }
}

/// Checks that an imported entry is the next event of its case.
pub(crate) fn check_case_version(
    versions: &mut BTreeMap<String, u64>,
    stored: &StoredEntry,
) -> Result<(), ArchiveError> {
    let version = versions.entry(stored.entry.case_id.clone()).or_insert(0);
    *version += 1;
    if stored.case_version != *version {
        return Err(StoreError::Corrupt(format!(
            "entry {} is event {} of case {} but says it is event {}",
            stored.entry.seq, version, stored.entry.case_id, stored.case_version
        ))
        .into());
    }
    Ok(())
}

/// The case-number counters implied by the case ids: the highest number per year.
/// Numbers are only drawn in a transaction that also writes the case's first
/// events, so no number was ever given out without a case.
pub(crate) fn case_counters<'a>(case_ids: impl Iterator<Item = &'a String>) -> BTreeMap<i64, i64> {
    let mut counters = BTreeMap::new();
    for (year, number) in case_ids.filter_map(|case_id| rows::case_number(case_id)) {
        let last = counters.entry(year).or_insert(number);
        *last = (*last).max(number);
    }
    counters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> Result<Vec<ArchiveItem>, ArchiveError> {
        ArchiveReader::new(text.as_bytes()).collect()
    }

    const HEADER: &str = r#"{"kind":"header","format":"qorgau-archive","version":1,"exported_at":"2026-12-02T05:00:00Z"}"#;
    const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

    fn line_of(error: ArchiveError) -> u64 {
        match error {
            ArchiveError::Format { line, .. } => line,
            other => panic!("not a format error: {other}"),
        }
    }

    #[test]
    fn an_empty_archive_reads_as_nothing() {
        let text = format!(
            "{HEADER}\n{{\"kind\":\"end\",\"staff\":0,\"owners\":0,\"events\":0,\"head\":\"{ZEROS}\"}}\n"
        );
        assert_eq!(read_all(&text).unwrap(), vec![]);
    }

    #[test]
    fn a_truncated_archive_is_an_error_at_its_end() {
        let staff = r#"{"kind":"staff","username":"e1","display_name":"E","role":"expert","chair":false,"active":true,"created_at":"2026-12-02T05:00:00Z"}"#;
        let error = read_all(&format!("{HEADER}\n{staff}\n")).unwrap_err();
        assert_eq!(line_of(error), 2);
    }

    #[test]
    fn the_end_line_must_match_what_came_before() {
        let text = format!(
            "{HEADER}\n{{\"kind\":\"end\",\"staff\":1,\"owners\":0,\"events\":0,\"head\":\"{ZEROS}\"}}\n"
        );
        assert_eq!(line_of(read_all(&text).unwrap_err()), 2);
    }

    #[test]
    fn anything_but_a_header_first_is_refused() {
        assert_eq!(line_of(read_all("").unwrap_err()), 0);
        assert_eq!(line_of(read_all("{\"kind\":\"end\"}\n").unwrap_err()), 1);
        assert_eq!(line_of(read_all("not json\n").unwrap_err()), 1);
        let other = HEADER.replace("qorgau-archive", "something-else");
        assert_eq!(line_of(read_all(&format!("{other}\n")).unwrap_err()), 1);
    }

    #[test]
    fn nothing_may_follow_the_end_line() {
        let text = format!(
            "{HEADER}\n{{\"kind\":\"end\",\"staff\":0,\"owners\":0,\"events\":0,\"head\":\"{ZEROS}\"}}\n{HEADER}\n"
        );
        assert_eq!(line_of(read_all(&text).unwrap_err()), 3);
    }

    #[test]
    fn checkpoints_come_before_the_events_in_increasing_size() {
        let checkpoint = |size: u64| {
            format!(
                "{{\"kind\":\"checkpoint\",\"tree_size\":{size},\"root\":\"{ZEROS}\",\
                 \"note\":\"n\",\"signed_at\":\"2026-12-02T05:00:00Z\"}}"
            )
        };
        let header_2 = HEADER.replace("\"version\":1", "\"version\":2");
        let text = format!("{header_2}\n{}\n{}\n", checkpoint(4), checkpoint(4));
        assert_eq!(line_of(read_all(&text).unwrap_err()), 3);
        let event = format!(
            "{{\"kind\":\"event\",\"seq\":1,\"case_id\":\"QG-2026-000001\",\"case_version\":1,\
             \"event_type\":\"x\",\"payload\":\"{{}}\",\"actor\":\"a\",\"recorded_at\":\"t\",\
             \"prev_hash\":\"{ZEROS}\",\"hash\":\"{ZEROS}\"}}"
        );
        let text = format!("{header_2}\n{event}\n{}\n", checkpoint(1));
        assert_eq!(line_of(read_all(&text).unwrap_err()), 3);
    }

    #[test]
    fn a_version_from_the_future_is_refused() {
        let text = HEADER.replace("\"version\":1", "\"version\":3");
        assert_eq!(line_of(read_all(&format!("{text}\n")).unwrap_err()), 1);
    }

    #[test]
    fn the_rebuilt_log_must_match_each_checkpoint() {
        let leaf = |byte: u8| [byte; 32];
        let mut frontier = Frontier::default();
        frontier.push(leaf(1));
        frontier.push(leaf(2));
        let good = StoredCheckpoint {
            tree_size: 2,
            root: frontier.root(),
            note: String::new(),
            signed_at: Timestamp::UNIX_EPOCH,
        };
        let mut check = CheckpointCheck::default();
        check.expect(good.clone()).unwrap();
        check.leaf(leaf(1)).unwrap();
        check.leaf(leaf(2)).unwrap();
        assert_eq!(check.finish().unwrap(), vec![good.clone()]);
        // Another second leaf: the root at 2 differs.
        let mut check = CheckpointCheck::default();
        check.expect(good.clone()).unwrap();
        check.leaf(leaf(1)).unwrap();
        assert!(check.leaf(leaf(3)).is_err());
        // The log ends before the checkpoint's size.
        let mut check = CheckpointCheck::default();
        check.expect(good).unwrap();
        check.leaf(leaf(1)).unwrap();
        assert!(check.finish().is_err());
    }

    #[test]
    fn counters_take_the_highest_number_per_year() {
        let ids = [
            "QG-2026-000002".to_owned(),
            "QG-2026-000010".to_owned(),
            "QG-2027-000001".to_owned(),
        ];
        let counters = case_counters(ids.iter());
        assert_eq!(counters, BTreeMap::from([(2026, 10), (2027, 1)]));
    }
}
