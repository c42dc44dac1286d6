//! Cyberstalking across cases (issue 7): links between cases (made by staff,
//! or by the system at intake), the linked timeline of one child with the
//! pursuit indicators computed over it, and chat exports imported into a case
//! as evidence.
//!
//! The rules are the domain's (`qorgau_domain::linking`, `pursuit`, the
//! `LinkCase`/`UnlinkCase`/`ImportChat` commands); this module finds what they
//! need in the store and records what they decide.

use std::collections::BTreeMap;

use qorgau_chat::signals::{Lexicon, SignalCategory};
use qorgau_chat::{ChatFormat, ImportError, ImportOptions, ImportSummary};
use qorgau_domain::deadline::almaty_date;
use qorgau_domain::linking::{
    ActorLink, CaseTimelineEntry, ChatOccasion, LinkBasis, SignRecord, account_pair, case_timeline,
    same_child, sort_timeline,
};
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::procedure::{Actor, ChatImport, Command, ProcedureError, Role, handle};
use qorgau_domain::pursuit::{
    ContactFlags, Persons, PursuitAssessment, PursuitThresholds, assess_persons,
};
use qorgau_domain::validation::actor::{ActorAccount, ActorError};
use qorgau_domain::validation::resource::Platform;
use qorgau_store::{LinkRow, Store};

use crate::evidence::Evidence;
use crate::jobs::new_evidence_id;
use crate::procedure::{Procedure, ServiceError};

/// The largest chat export kept in a case: 2 GiB. The export is streamed to
/// the blob store and parsed from the stored file one message at a time, so
/// memory does not grow with it; the cap bounds the disk one upload may
/// take. A larger export is split by period when it is exported.
pub const MAX_CHAT_IMPORT_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// The export's bytes: in memory (a test, a small paste), or a stream — a
/// file the CLI opened, the pieces of an HTTP body ([`ChunkReader`]) —
/// never held whole.
pub enum ChatFile {
    Bytes(Vec<u8>),
    Reader(Box<dyn std::io::Read + Send>),
}

impl std::fmt::Debug for ChatFile {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChatFile::Bytes(bytes) => write!(formatter, "ChatFile::Bytes({} bytes)", bytes.len()),
            ChatFile::Reader(_) => formatter.write_str("ChatFile::Reader"),
        }
    }
}

/// The pieces of a body as a `Read` for a blocking thread: the shell sends
/// each piece (or the error that ended it) as it arrives; the end of the
/// channel is the end of the file.
pub struct ChunkReader {
    receiver: tokio::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
    current: Vec<u8>,
    position: usize,
}

impl ChunkReader {
    /// A reader and the sender that feeds it; a few pieces are buffered, so
    /// a slow disk slows the upload instead of filling memory.
    pub fn channel() -> (
        tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
        ChunkReader,
    ) {
        let (sender, receiver) = tokio::sync::mpsc::channel(8);
        (
            sender,
            ChunkReader {
                receiver,
                current: Vec::new(),
                position: 0,
            },
        )
    }
}

impl std::io::Read for ChunkReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.position < self.current.len() {
                let count = buffer.len().min(self.current.len() - self.position);
                buffer[..count]
                    .copy_from_slice(&self.current[self.position..self.position + count]);
                self.position += count;
                return Ok(count);
            }
            match self.receiver.blocking_recv() {
                Some(Ok(chunk)) => {
                    self.current = chunk;
                    self.position = 0;
                }
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
    }
}

/// Counts what passes and refuses to pass more than `limit`
/// (`FileTooLarge`), so the blob store stops writing at the cap.
struct LimitedReader<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
    limit: u64,
}

impl<R: std::io::Read> std::io::Read for LimitedReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(buffer)?;
        let total = self
            .read
            .fetch_add(count as u64, std::sync::atomic::Ordering::Relaxed)
            + count as u64;
        if total > self.limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "the chat export is larger than the cap",
            ));
        }
        Ok(count)
    }
}

/// Why a chat could not be imported into a case.
#[derive(Debug, thiserror::Error)]
pub enum ChatImportError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// The file could not be read to its end: nothing was kept.
    #[error(transparent)]
    Chat(#[from] ImportError),
    #[error(transparent)]
    Actor(#[from] ActorError),
    #[error("no sender {sender} in this chat")]
    UnknownSender {
        sender: String,
        senders: Vec<String>,
    },
    #[error("the export is larger than {MAX_CHAT_IMPORT_BYTES} bytes")]
    TooLarge { size: usize },
    /// The record names a digest that is not one: the record is damaged
    /// (`qorgau verify` says where); nothing is read.
    #[error("the recorded digest {digest} is not a SHA-256 digest")]
    RecordedDigest { digest: String },
}

impl ChatImportError {
    /// The stable code and message of a refusal that is the person's to fix;
    /// `None` for service errors (the shells explain those themselves).
    pub fn explained(&self) -> Option<(&'static str, Message)> {
        match self {
            ChatImportError::Service(_) | ChatImportError::RecordedDigest { .. } => None,
            ChatImportError::Chat(error) => Some((error.code(), error.explain())),
            ChatImportError::Actor(error) => Some((error.code(), error.explain())),
            ChatImportError::UnknownSender { sender, senders } => Some((
                "chat_unknown_sender",
                Message::new("linking-unknown-sender")
                    .with("sender", sender.as_str())
                    .with("senders", senders.join(", ")),
            )),
            ChatImportError::TooLarge { .. } => Some((
                "chat_too_large",
                Message::new("linking-chat-too-large")
                    .with("megabytes", (MAX_CHAT_IMPORT_BYTES / (1024 * 1024)) as i64),
            )),
        }
    }
}

/// What an expert asks to import.
#[derive(Debug)]
pub struct ChatUpload {
    pub format: ChatFormat,
    pub options: ImportOptions,
    /// The sender the expert marks as the actor: a name as the export shows
    /// it, or a Telegram `from_id`.
    pub actor_sender: String,
    /// The actor's account on `platform`: a handle or a link.
    pub platform: Platform,
    pub account: String,
    pub file: ChatFile,
}

/// What was imported.
#[derive(Debug, Clone)]
pub struct ChatImported {
    pub evidence_id: String,
    pub digest: String,
    pub summary: ImportSummary,
    pub actor_messages: u64,
    pub occasions: Vec<ChatOccasion>,
}

/// One child's linked history as the expert sees it.
#[derive(Debug, Clone)]
pub struct LinkedTimeline {
    pub case_id: String,
    /// Every link of the case, active or undone.
    pub links: Vec<LinkRow>,
    /// The cases whose entries are in the timeline: this one first, then the
    /// linked cases about the same child.
    pub cases: Vec<String>,
    pub entries: Vec<CaseTimelineEntry>,
    /// The accounts recorded as one person that bear on the timeline (in
    /// any case: recorded in one of its cases, or naming one of its accounts
    /// or their persons), active or undone, with the case that holds each.
    pub actor_links: Vec<ActorLinkRow>,
    /// The signs experts confirmed (or withdrew) on the timeline's entries,
    /// with the case that holds each.
    pub signs: Vec<(String, SignRecord)>,
    /// The active links as persons: what the indicators were computed with.
    pub persons: Persons,
    pub assessment: PursuitAssessment,
    pub thresholds: PursuitThresholds,
}

/// Two accounts recorded as one person, and the case whose record holds it.
#[derive(Debug, Clone)]
pub struct ActorLinkRow {
    pub recorded_in: String,
    pub link: ActorLink,
}

/// At most this many cases are listed on an account's record, the most
/// recent first: a class chat's bot may be named by hundreds.
pub const MAX_ACTOR_CASES: u32 = 200;

/// One account as a record of its own (`/staff/actors/{key}`): the cases
/// that name it, and the accounts linked to it as one person. Staff only;
/// it names cases by number, never a child.
#[derive(Debug, Clone)]
pub struct ActorRecord {
    pub key: String,
    /// Every account of the person it is (itself included), sorted.
    pub person: Vec<String>,
    pub cases: Vec<ActorCase>,
    /// The links that make or made it one person with other accounts, in any
    /// case, active or undone.
    pub links: Vec<ActorLinkRow>,
}

/// A case that names the account, and how.
#[derive(Debug, Clone)]
pub struct ActorCase {
    pub case_id: String,
    pub received_at: jiff::Timestamp,
    pub phase: qorgau_domain::procedure::CasePhase,
    pub roles: Vec<ActorRole>,
}

/// How a case names an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActorRole {
    /// The actor of one of the application's incidents.
    Incident,
    /// The sender an expert marked in an imported chat.
    Chat,
    /// An account the child blocked or reported.
    Blocked,
}

impl ActorRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRole::Incident => "incident",
            ActorRole::Chat => "chat",
            ActorRole::Blocked => "blocked",
        }
    }
}

/// The monitoring and offline signs the chat crate's lexicons propose for an
/// incident's description: shown for the expert to confirm, never counted
/// until they do (`qorgau_domain::pursuit`).
pub fn description_flags(text: &str) -> ContactFlags {
    let Ok(lexicon) = Lexicon::embedded() else {
        return ContactFlags::default();
    };
    let signals = lexicon.find(text);
    ContactFlags {
        unwanted: false,
        monitoring: signals
            .iter()
            .any(|signal| signal.category == SignalCategory::Tracking),
        offline: signals
            .iter()
            .any(|signal| signal.category == SignalCategory::Offline),
    }
}

impl<S: Store> Procedure<'_, S> {
    /// Links two cases, from either one's page: the link is recorded in the
    /// later case (`qorgau_domain::linking`).
    pub async fn link_cases(
        &self,
        case_id: &str,
        other_case_id: &str,
        basis: LinkBasis,
        actor_key: Option<String>,
        reason: String,
        actor: &Actor,
    ) -> Result<String, ServiceError> {
        let other_case_id = other_case_id.trim();
        // Both must exist; the command checks the rest.
        self.load(other_case_id).await?;
        self.load(case_id).await?;
        let (later, earlier) = if other_case_id > case_id {
            (other_case_id, case_id)
        } else {
            (case_id, other_case_id)
        };
        self.run(
            later,
            actor,
            Command::LinkCase {
                other_case_id: earlier.to_owned(),
                basis,
                actor_key,
                reason,
            },
        )
        .await?;
        Ok(later.to_owned())
    }

    /// Undoes a link, in the case whose record holds it.
    pub async fn unlink_cases(
        &self,
        case_id: &str,
        other_case_id: &str,
        reason: String,
        actor: &Actor,
    ) -> Result<String, ServiceError> {
        let other_case_id = other_case_id.trim();
        self.load(case_id).await?;
        let links = self.store.case_links(case_id).await?;
        let (recorded_in, named) = match links
            .iter()
            .find(|row| row.other_case_id == other_case_id && row.link.active)
        {
            Some(row) if row.recorded_in == case_id => (case_id, other_case_id),
            Some(row) => (row.recorded_in.as_str(), case_id),
            // Not linked: let the command say so.
            None => (case_id, other_case_id),
        };
        let recorded_in = recorded_in.to_owned();
        self.run(
            &recorded_in,
            actor,
            Command::UnlinkCase {
                other_case_id: named.to_owned(),
                reason,
            },
        )
        .await?;
        Ok(recorded_in)
    }

    /// The linked timeline of `case_id`: its incidents and imported chats and
    /// those of every actively linked case about the same child, in time
    /// order, with the pursuit indicators under the case's regime.
    pub async fn linked_timeline(&self, case_id: &str) -> Result<LinkedTimeline, ServiceError> {
        let case = self.load(case_id).await?;
        let state = case.state()?;
        let thresholds = self.regimes.get(&state.regime)?.pursuit;
        let links = self.store.case_links(case_id).await?;
        let mut cases = vec![case_id.to_owned()];
        let mut entries = case_timeline(case_id, &state, &description_flags);
        let signs_of = |recorded_in: &str, records: &[SignRecord]| {
            records
                .iter()
                .map(|record| (recorded_in.to_owned(), record.clone()))
                .collect::<Vec<_>>()
        };
        let mut signs = signs_of(case_id, &state.signs);
        for row in links.iter().filter(|row| row.link.active) {
            if cases.contains(&row.other_case_id) {
                continue;
            }
            let other = self.load(&row.other_case_id).await?.state()?;
            let about_the_child = row.link.basis == LinkBasis::SameChild
                || same_child(&state.application.child, &other.application.child).is_some();
            if !about_the_child {
                continue;
            }
            entries.extend(case_timeline(
                &row.other_case_id,
                &other,
                &description_flags,
            ));
            signs.extend(signs_of(&row.other_case_id, &other.signs));
            cases.push(row.other_case_id.clone());
        }
        sort_timeline(&mut entries);
        // A person-link is a fact about accounts, not about a case: linked
        // accounts are one actor whichever case — this child's or another's —
        // the expert recorded it in, until an unlink in any case
        // (docs/linking.md).
        let person_links = self.store.person_links().await?;
        let persons = Persons::from_links(
            person_links
                .iter()
                .filter(|row| row.link.active)
                .map(|row| (row.link.accounts[0].as_str(), row.link.accounts[1].as_str())),
        );
        // Shown: the links that bear on this timeline — recorded in one of
        // its cases, or naming one of its accounts or a person they are.
        let timeline_persons: std::collections::BTreeSet<&str> = entries
            .iter()
            .filter_map(|entry| entry.entry.account.as_deref())
            .flat_map(|account| [account, persons.person_of(account)])
            .collect();
        let actor_links: Vec<ActorLinkRow> = person_links
            .iter()
            .filter(|row| {
                cases.contains(&row.recorded_in)
                    || row.link.accounts.iter().any(|account| {
                        timeline_persons.contains(account.as_str())
                            || timeline_persons.contains(persons.person_of(account))
                    })
            })
            .map(|row| ActorLinkRow {
                recorded_in: row.recorded_in.clone(),
                link: row.link.clone(),
            })
            .collect();
        let plain: Vec<_> = entries.iter().map(|entry| entry.entry.clone()).collect();
        let assessment = assess_persons(&plain, &persons, &thresholds);
        Ok(LinkedTimeline {
            case_id: case_id.to_owned(),
            links,
            cases,
            entries,
            actor_links,
            signs,
            persons,
            assessment,
            thresholds,
        })
    }

    /// The record of one account: the cases naming it (at most
    /// [`MAX_ACTOR_CASES`]) and its person-links in any case. `None` when no
    /// case names it and no link ever did: there is nothing to show.
    pub async fn actor_record(&self, key: &str) -> Result<Option<ActorRecord>, ServiceError> {
        let key = key.trim();
        let person_links = self.store.person_links().await?;
        let persons = Persons::from_links(
            person_links
                .iter()
                .filter(|row| row.link.active)
                .map(|row| (row.link.accounts[0].as_str(), row.link.accounts[1].as_str())),
        );
        let person_key = persons.person_of(key).to_owned();
        let of_person = |account: &str| persons.person_of(account) == person_key;
        let links: Vec<ActorLinkRow> = person_links
            .iter()
            .filter(|row| {
                row.link.accounts.iter().any(|account| account == key)
                    || (row.link.active && of_person(&row.link.accounts[0]))
            })
            .map(|row| ActorLinkRow {
                recorded_in: row.recorded_in.clone(),
                link: row.link.clone(),
            })
            .collect();
        let mut person: Vec<String> = links
            .iter()
            .filter(|row| row.link.active)
            .flat_map(|row| row.link.accounts.iter().cloned())
            .chain(std::iter::once(key.to_owned()))
            .collect();
        person.sort();
        person.dedup();
        let mut cases = Vec::new();
        for case_id in self.store.actor_cases(key, MAX_ACTOR_CASES).await? {
            let state = self.load(&case_id).await?.state()?;
            let mut roles = Vec::new();
            if state
                .application
                .incidents
                .iter()
                .any(|incident| incident.actor_key.as_deref() == Some(key))
            {
                roles.push(ActorRole::Incident);
            }
            if state.chats.iter().any(|chat| chat.actor_key == key) {
                roles.push(ActorRole::Chat);
            }
            if state.blocks.iter().any(|block| block.account == key) {
                roles.push(ActorRole::Blocked);
            }
            cases.push(ActorCase {
                case_id,
                received_at: state.received_at,
                phase: state.phase,
                roles,
            });
        }
        if cases.is_empty() && links.is_empty() {
            return Ok(None);
        }
        Ok(Some(ActorRecord {
            key: key.to_owned(),
            person,
            cases,
            links,
        }))
    }

    /// Records in `case_id` that two accounts are one person, with a reason.
    /// A pair already linked in any case is refused as the command refuses
    /// one linked in this case: the link holds everywhere already.
    pub async fn link_actors(
        &self,
        case_id: &str,
        accounts: [ActorAccount; 2],
        reason: String,
        actor: &Actor,
    ) -> Result<(), ServiceError> {
        self.load(case_id).await?;
        let pair = account_pair(&accounts[0].key, &accounts[1].key);
        // Only for those the command would let link: no one else learns from
        // the refusal that a pair is linked.
        let may_link = matches!(
            actor.role,
            Role::Coordinator | Role::Expert { .. } | Role::System
        );
        if may_link
            && self
                .store
                .person_links()
                .await?
                .iter()
                .any(|row| row.link.active && row.link.accounts == pair)
        {
            return Err(ProcedureError::ActorsAlreadyLinked { accounts: pair }.into());
        }
        self.run(case_id, actor, Command::LinkActors { accounts, reason })
            .await?;
        Ok(())
    }

    /// Undoes a link of two accounts (their keys) in the case that holds it,
    /// whichever case that is; returns that case.
    pub async fn unlink_actors(
        &self,
        case_id: &str,
        accounts: [String; 2],
        reason: String,
        actor: &Actor,
    ) -> Result<String, ServiceError> {
        let pair = account_pair(accounts[0].trim(), accounts[1].trim());
        self.load(case_id).await?;
        // The link is undone in the case that holds it, whichever case's page
        // the expert is on. Not linked anywhere: let the command say so, in
        // this case.
        let recorded_in = self
            .store
            .person_links()
            .await?
            .iter()
            .find(|row| row.link.active && row.link.accounts == pair)
            .map_or(case_id, |row| row.recorded_in.as_str())
            .to_owned();
        self.run(
            &recorded_in,
            actor,
            Command::UnlinkActors {
                accounts: pair,
                reason,
            },
        )
        .await?;
        Ok(recorded_in)
    }

    /// Confirms (`confirm` true) or withdraws a sign on an entry of the linked
    /// timeline of `case_id`, with a reason, in the case the entry belongs
    /// to (where its incident or chat is recorded); returns that case.
    pub async fn confirm_sign(
        &self,
        case_id: &str,
        entry: &str,
        sign: qorgau_domain::pursuit::Sign,
        confirm: bool,
        reason: String,
        actor: &Actor,
    ) -> Result<String, ServiceError> {
        let entry = entry.trim().to_owned();
        let timeline = self.linked_timeline(case_id).await?;
        // Not in the timeline: let the command say so, in this case.
        let recorded_in = timeline
            .entries
            .iter()
            .find(|item| item.entry.reference == entry)
            .map_or(case_id, |item| item.case_id.as_str())
            .to_owned();
        let command = if confirm {
            Command::ConfirmSign {
                entry,
                sign,
                reason,
            }
        } else {
            Command::WithdrawSign {
                entry,
                sign,
                reason,
            }
        };
        self.run(&recorded_in, actor, command).await?;
        Ok(recorded_in)
    }

    /// Records that the child (or a parent) blocked or reported `account` on
    /// the Almaty date `on`.
    pub async fn record_block(
        &self,
        case_id: &str,
        account: ActorAccount,
        on: jiff::civil::Date,
        reported: bool,
        actor: &Actor,
    ) -> Result<(), ServiceError> {
        self.run(
            case_id,
            actor,
            Command::RecordBlock {
                account,
                on,
                reported,
            },
        )
        .await?;
        Ok(())
    }

    /// Imports a chat export into a case: the file is read whole (all or
    /// nothing), kept in the blob store as an upload with its log leaf and
    /// receipt, and summarized in a `chat_imported` event — per day, how many
    /// messages the marked sender wrote and what their signals show. The other
    /// senders' messages are counted, never copied into the record.
    pub async fn import_chat(
        &self,
        case_id: &str,
        actor: &Actor,
        upload: ChatUpload,
        evidence: &Evidence,
    ) -> Result<ChatImported, ChatImportError> {
        let account = ActorAccount::parse(upload.platform, &upload.account)?;
        self.load(case_id).await?;
        let wanted = upload.actor_sender.trim().to_owned();
        // 1. The file goes to the blob store as it arrives, hashed on the
        // way, never whole in memory; at the cap it stops.
        let counted = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let source: Box<dyn std::io::Read + Send> = match upload.file {
            ChatFile::Bytes(bytes) => Box::new(std::io::Cursor::new(bytes)),
            ChatFile::Reader(reader) => reader,
        };
        let limited = LimitedReader {
            inner: source,
            read: counted.clone(),
            limit: MAX_CHAT_IMPORT_BYTES as u64,
        };
        let stored = evidence.write_reader(limited).await;
        let size = counted.load(std::sync::atomic::Ordering::Relaxed);
        let digest = match stored {
            Ok(digest) => digest,
            Err(crate::evidence::EvidenceError::Blob(qorgau_evidence::cas::CasError::Io {
                source,
                ..
            })) if source.kind() == std::io::ErrorKind::FileTooLarge => {
                return Err(ChatImportError::TooLarge {
                    size: usize::try_from(size).unwrap_or(usize::MAX),
                });
            }
            Err(error) => return Err(ServiceError::from(error).into()),
        };
        // 2. Parsed from the stored file, verified as it is read, on a
        // blocking thread: what is recorded is what the store holds. A file
        // that cannot be read to its end is refused whole (its blob stays
        // unreferenced, as any unrecorded upload).
        let blobs = evidence.blobs.clone();
        let (format, options, sender) = (upload.format, upload.options.clone(), wanted.clone());
        let parsed = tokio::task::spawn_blocking(move || {
            let reader = blobs.open(&digest)?;
            Ok::<_, qorgau_evidence::cas::CasError>(summarize_actor(
                format, reader, &options, &sender,
            ))
        })
        .await
        .map_err(|error| {
            ServiceError::Evidence(crate::evidence::EvidenceError::Log(format!(
                "the chat import task failed: {error}"
            )))
        })?
        .map_err(|error| ServiceError::Evidence(error.into()))?;
        let (summary, occasions, actor_messages) = parsed?;
        if actor_messages == 0 {
            return Err(ChatImportError::UnknownSender {
                sender: wanted,
                senders: summary
                    .senders
                    .iter()
                    .map(|sender| sender.name.clone())
                    .collect(),
            });
        }
        let digest = digest.to_string();
        let evidence_id = new_evidence_id().map_err(ServiceError::from)?;
        let import = ChatImport {
            evidence_id: evidence_id.clone(),
            format: upload.format.as_str().to_owned(),
            digest: digest.clone(),
            size,
            actor_sender: wanted,
            actor: account,
            messages: summary.messages,
            skipped: summary.skipped_total(),
            actor_messages,
            occasions: occasions.clone(),
            time_zone: upload.options.time_zone.iana_name().map(str::to_owned),
        };
        self.record(case_id, actor, |state, context| {
            Ok(handle(
                state,
                Command::ImportChat(Box::new(import.clone())),
                context,
            )?)
        })
        .await?;
        Ok(ChatImported {
            evidence_id,
            digest,
            summary,
            actor_messages,
            occasions,
        })
    }
}

/// One pass over an export: the summary, and per Almaty day the marked
/// sender's messages with the signs the lexicons propose (the occasions the
/// record keeps), and how many messages the sender wrote.
fn summarize_actor(
    format: ChatFormat,
    reader: impl std::io::Read,
    options: &ImportOptions,
    wanted: &str,
) -> Result<(ImportSummary, Vec<ChatOccasion>, u64), ImportError> {
    let lexicon = Lexicon::embedded().ok();
    let mut by_day: BTreeMap<jiff::civil::Date, ChatOccasion> = BTreeMap::new();
    let mut position: u64 = 0;
    let mut actor_messages: u64 = 0;
    let summary = qorgau_chat::import(format, reader, options, &mut |message| {
        position += 1;
        let is_actor =
            message.sender.display() == wanted || message.sender.id.as_deref() == Some(wanted);
        if !is_actor {
            return;
        }
        actor_messages += 1;
        let Some(time) = message.time else {
            return;
        };
        let signals = lexicon
            .map(|lexicon| lexicon.find(&message.text))
            .unwrap_or_default();
        let flags = qorgau_chat::signals::contact_flags(&message, &signals, true);
        let occasion = by_day
            .entry(almaty_date(time))
            .or_insert_with(|| ChatOccasion {
                on: almaty_date(time),
                first_at: time,
                messages: 0,
                first_message: position,
                monitoring: 0,
                offline: 0,
            });
        if time < occasion.first_at {
            occasion.first_at = time;
        }
        occasion.first_message = occasion.first_message.min(position);
        occasion.messages = occasion.messages.saturating_add(1);
        occasion.monitoring += u32::from(flags.monitoring);
        occasion.offline += u32::from(flags.offline);
    })?;
    Ok((summary, by_day.into_values().collect(), actor_messages))
}

impl<S: Store> Procedure<'_, S> {
    /// Keeps a rendered referral package in the blob store — its document as
    /// an upload of the case, with its log leaf and receipt, and its PDF as a
    /// blob beside it — and records `referral_package_prepared` naming the
    /// linked cases whose entries it holds and the PDF's digest. The case
    /// must have been referred.
    pub async fn record_referral_package(
        &self,
        case_id: &str,
        actor: &Actor,
        package: RenderedReferral,
        evidence: &Evidence,
    ) -> Result<RecordedReferral, ServiceError> {
        let RenderedReferral {
            language,
            document,
            pdf,
            linked_cases,
        } = package;
        let state = self.load(case_id).await?.state()?;
        if !state.referred {
            return Err(qorgau_domain::procedure::ProcedureError::NotReferred.into());
        }
        let size = document.len() as u64;
        let digest = evidence.write(document).await?.to_string();
        // The PDF is a rendering of the same package, not evidence of its
        // own: a blob whose digest the event's entry commits to (like a
        // browser snapshot's), with no log leaf.
        let pdf_digest = evidence.write(pdf).await?.to_string();
        let evidence_id = new_evidence_id()?;
        self.record(case_id, actor, |state, context| {
            Ok(handle(
                state,
                Command::PrepareReferral(qorgau_domain::procedure::PreparedReferral {
                    evidence_id: evidence_id.clone(),
                    language,
                    digest: digest.clone(),
                    size,
                    linked_cases: linked_cases.clone(),
                    pdf_digest: Some(pdf_digest.clone()),
                }),
                context,
            )?)
        })
        .await?;
        Ok(RecordedReferral {
            evidence_id,
            digest,
            pdf_digest,
        })
    }
}

/// A referral package as the shell rendered it, for
/// [`Procedure::record_referral_package`].
#[derive(Debug, Clone)]
pub struct RenderedReferral {
    pub language: qorgau_domain::message::Language,
    /// The document itself (the HTML package, with every receipt).
    pub document: Vec<u8>,
    /// The same package as a PDF.
    pub pdf: Vec<u8>,
    /// Cases whose entries are in the package's timeline.
    pub linked_cases: Vec<String>,
}

/// Where a recorded referral package is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedReferral {
    /// The document's evidence id (an upload of the case).
    pub evidence_id: String,
    /// `sha256:<hex>` of the document.
    pub digest: String,
    /// `sha256:<hex>` of the PDF.
    pub pdf_digest: String,
}

/// How many of the marked actor's messages a page shows of one chat at most:
/// an export can hold a million, the page must stay readable and small. The
/// rest are counted ([`ChatExcerpt::actor_messages`]) and are in the stored
/// file, whose receipt proves it.
pub const SHOWN_CHAT_MESSAGES: usize = 50;

/// One of the marked actor's messages, read back from the stored export.
#[derive(Debug, Clone)]
pub struct ShownMessage {
    /// The 1-based position in the file (every sender), as the occasions
    /// name their first message.
    pub position: u64,
    pub sender: String,
    pub at: Option<jiff::Timestamp>,
    pub text: String,
    pub attachments: Vec<qorgau_chat::AttachmentKind>,
    /// The abuse signals in `text`, each naming its lexicon entry: for the
    /// expert to read faster, never a verdict.
    pub signals: Vec<qorgau_chat::signals::SignalMatch>,
}

/// The marked actor's messages of one imported chat, as the expert reads
/// them: the first [`SHOWN_CHAT_MESSAGES`] (of the chosen days, if any).
#[derive(Debug, Clone)]
pub struct ChatExcerpt {
    pub case_id: String,
    pub evidence_id: String,
    pub actor_sender: String,
    pub actor_key: String,
    pub platform: Platform,
    pub messages: Vec<ShownMessage>,
    /// How many messages of the actor (of the chosen days) the file holds.
    pub actor_messages: u64,
}

impl<S: Store> Procedure<'_, S> {
    /// Reads an imported chat back from the blob store — verified against
    /// its recorded digest on the way (`Evidence::read`), parsed by the same
    /// parser in the same time zone as at import, so positions and days are
    /// the ones the record names — and keeps the marked actor's messages
    /// (on `days` only, when given), the first `limit` of them. The other
    /// senders' messages (the child's) are not kept.
    pub async fn chat_excerpt(
        &self,
        case_id: &str,
        evidence_id: &str,
        days: Option<&[jiff::civil::Date]>,
        limit: usize,
        evidence: &Evidence,
    ) -> Result<ChatExcerpt, ChatImportError> {
        let state = self
            .load(case_id)
            .await?
            .state()
            .map_err(ServiceError::from)?;
        let Some(chat) = state
            .chats
            .iter()
            .find(|chat| chat.evidence_id == evidence_id)
        else {
            return Err(ServiceError::CaseNotFound(format!("{case_id}/{evidence_id}")).into());
        };
        let digest = chat
            .digest
            .parse()
            .map_err(|_| ChatImportError::RecordedDigest {
                digest: chat.digest.clone(),
            })?;
        let format = ChatFormat::from_name(&chat.format).unwrap_or(ChatFormat::Text);
        let mut options = ImportOptions::default();
        if let Some(zone) = chat
            .time_zone
            .as_deref()
            .and_then(|name| jiff::tz::TimeZone::get(name).ok())
        {
            options.time_zone = zone;
        }
        // Streamed from the store and verified as read, on a blocking
        // thread: a large export is never whole in memory here either.
        let blobs = evidence.blobs.clone();
        let wanted = chat.actor_sender.clone();
        let days: Option<Vec<jiff::civil::Date>> = days.map(<[_]>::to_vec);
        let read = tokio::task::spawn_blocking(move || {
            let reader = blobs.open(&digest)?;
            Ok::<_, qorgau_evidence::cas::CasError>(actor_messages_of(
                format,
                reader,
                &options,
                &wanted,
                days.as_deref(),
                limit,
            ))
        })
        .await
        .map_err(|error| {
            ServiceError::Evidence(crate::evidence::EvidenceError::Log(format!(
                "the chat reading task failed: {error}"
            )))
        })?
        .map_err(|error| ServiceError::Evidence(error.into()))?;
        let (messages, actor_messages) = read?;
        Ok(ChatExcerpt {
            case_id: case_id.to_owned(),
            evidence_id: evidence_id.to_owned(),
            actor_sender: chat.actor_sender.clone(),
            actor_key: chat.actor_key.clone(),
            platform: chat.platform,
            messages,
            actor_messages,
        })
    }
}

/// The marked sender's messages of an export (on `days` only, when given):
/// the first `limit`, with the lexicon matches of each, and how many there
/// are.
fn actor_messages_of(
    format: ChatFormat,
    reader: impl std::io::Read,
    options: &ImportOptions,
    wanted: &str,
    days: Option<&[jiff::civil::Date]>,
    limit: usize,
) -> Result<(Vec<ShownMessage>, u64), ImportError> {
    let lexicon = Lexicon::embedded().ok();
    let mut position: u64 = 0;
    let mut actor_messages: u64 = 0;
    let mut messages = Vec::new();
    qorgau_chat::import(format, reader, options, &mut |message| {
        position += 1;
        let is_actor =
            message.sender.display() == wanted || message.sender.id.as_deref() == Some(wanted);
        if !is_actor {
            return;
        }
        let on_a_chosen_day = days.is_none_or(|days| {
            message
                .time
                .is_some_and(|time| days.contains(&almaty_date(time)))
        });
        if !on_a_chosen_day {
            return;
        }
        actor_messages += 1;
        if messages.len() < limit {
            messages.push(ShownMessage {
                position,
                sender: message.sender.display().to_owned(),
                at: message.time,
                signals: lexicon
                    .map(|lexicon| lexicon.find(&message.text))
                    .unwrap_or_default(),
                attachments: message
                    .attachments
                    .iter()
                    .map(|attachment| attachment.kind)
                    .collect(),
                text: message.text,
            });
        }
    })?;
    Ok((messages, actor_messages))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn pieces_arrive_as_one_stream_and_the_cap_stops_it() {
        let (sender, reader) = ChunkReader::channel();
        let feeding = std::thread::spawn(move || {
            for piece in [&b"[01.11.2026 10:00] A: "[..], b"hello", b"\n"] {
                sender.blocking_send(Ok(piece.to_vec())).unwrap();
            }
        });
        let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut limited = LimitedReader {
            inner: reader,
            read: read.clone(),
            limit: 28,
        };
        let mut text = String::new();
        limited.read_to_string(&mut text).unwrap();
        feeding.join().unwrap();
        assert_eq!(text, "[01.11.2026 10:00] A: hello\n");
        assert_eq!(read.load(std::sync::atomic::Ordering::Relaxed), 28);
        // One byte over the cap: refused as too large, not cut short.
        let mut over = LimitedReader {
            inner: std::io::Cursor::new(vec![b'x'; 29]),
            read: std::sync::Arc::default(),
            limit: 28,
        };
        let error = over.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
        // An error that cut the body short reaches the reader.
        let (sender, mut reader) = ChunkReader::channel();
        sender
            .try_send(Err(std::io::Error::other("connection reset")))
            .unwrap();
        drop(sender);
        assert!(reader.read_to_end(&mut Vec::new()).is_err());
    }
}
