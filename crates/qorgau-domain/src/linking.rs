//! Links between cases, and the timeline of one child's pursuit across them.
//!
//! PRODUCT.md: Qorgau "links cases by the accounts and resources involved,
//! and detects persistent pursuit by one actor across cases". Cyberstalking
//! rarely shows in one application; it shows when the applications about one
//! child are read together. So:
//!
//! - a **link** between two cases is an event (`cases_linked`, and
//!   `cases_unlinked` with a reason) recorded in the *later* of the two cases
//!   (the higher case number), whichever page it was made from: one case holds
//!   the pair's history, so it folds like every other fact and needs no
//!   transaction over two cases. Intake records the automatic links of a new
//!   application (same actor account, same child) in its own first events;
//! - the **same child** is recognized by a keyed hash ([`child_match_keys`]):
//!   HMAC-SHA-256 under the store's secret key over the IIN, and over the name
//!   and birth date. An IIN has about 10^10 plausible values, so a plain hash
//!   could be reversed by trying them all; under a key it cannot, and no second
//!   copy of the child's data is kept beside the application;
//! - the **linked timeline** ([`case_timeline`]) turns a case's incidents and
//!   imported chats into `pursuit::TimelineEntry`s, over which `pursuit::assess`
//!   computes the indicators.

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::application::Child;
use crate::deadline::start_of_day;
use crate::message::Message;
use crate::procedure::{CaseEvent, CaseState};
use crate::pursuit::{ContactFlags, EntryKind, Sign, TimelineEntry};
use crate::validation::resource::Platform;

/// Why two cases are linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkBasis {
    /// The same account acts in both (an incident's actor or a chat's actor).
    SameActor,
    /// Both are about the same child.
    SameChild,
    /// Both name the same Internet resource (a channel, a group, a page),
    /// and neither the child nor an actor account matched.
    SameResource,
}

impl LinkBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkBasis::SameActor => "same_actor",
            LinkBasis::SameChild => "same_child",
            LinkBasis::SameResource => "same_resource",
        }
    }

    pub fn parse(text: &str) -> Option<LinkBasis> {
        [
            LinkBasis::SameActor,
            LinkBasis::SameChild,
            LinkBasis::SameResource,
        ]
        .into_iter()
        .find(|basis| basis.as_str() == text.replace('-', "_"))
    }
}

/// How an automatic same-child link matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildMatch {
    /// The same IIN.
    Iin,
    /// The same name (letters only, case folded) and birth date.
    NameAndBirthDate,
}

impl ChildMatch {
    pub fn as_str(self) -> &'static str {
        match self {
            ChildMatch::Iin => "iin",
            ChildMatch::NameAndBirthDate => "name_birth_date",
        }
    }

    /// The prefix of a match key of this kind (`iin:…`, `name:…`).
    fn prefix(self) -> &'static str {
        match self {
            ChildMatch::Iin => "iin",
            ChildMatch::NameAndBirthDate => "name",
        }
    }

    /// The kind of a stored match key.
    pub fn of_key(key: &str) -> Option<ChildMatch> {
        [ChildMatch::Iin, ChildMatch::NameAndBirthDate]
            .into_iter()
            .find(|kind| key.starts_with(&format!("{}:", kind.prefix())))
    }
}

/// The keyed hashes that recognize a child across cases: `iin:<hex>` when the
/// IIN is known, `name:<hex>` when the name and the birth date are. `key` is
/// the store's secret (never in the record); the same key gives the same
/// hashes, so equal hashes mean the same IIN, or the same name and birth date.
///
/// Names are compared by their letters only, case folded (`Айгерім  Серікова`
/// = `айгерім серікова`; `Ё` = `Е`), in the order written: a swapped first and
/// last name is not matched — the expert links such cases by hand.
pub fn child_match_keys(child: &Child, key: &[u8]) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(iin) = &child.iin {
        keys.push(keyed(key, ChildMatch::Iin, iin));
    }
    if let (Some(name), Some(birth_date)) = (&child.name, child.birth_date) {
        let folded = fold_name(name);
        if !folded.is_empty() {
            keys.push(keyed(
                key,
                ChildMatch::NameAndBirthDate,
                &format!("{folded}\u{0}{birth_date}"),
            ));
        }
    }
    keys
}

/// Whether two applications are about the same child, compared as the
/// match keys compare (same IIN, or same folded name and birth date); for
/// children already in memory, so any key will do.
pub fn same_child(left: &Child, right: &Child) -> Option<ChildMatch> {
    const IN_MEMORY: &[u8] = b"qorgau/same-child/in-memory";
    let right_keys = child_match_keys(right, IN_MEMORY);
    child_match_keys(left, IN_MEMORY)
        .into_iter()
        .filter(|key| right_keys.contains(key))
        .filter_map(|key| ChildMatch::of_key(&key))
        .min()
}

fn keyed(key: &[u8], kind: ChildMatch, value: &str) -> String {
    // HMAC accepts a key of any length; `new_from_slice` cannot fail for it.
    let digest = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(b"qorgau/child-match/v1\0");
            mac.update(kind.prefix().as_bytes());
            mac.update(b"\0");
            mac.update(value.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("{}:{digest}", kind.prefix())
}

/// Letters and digits only, lower case, `ё` as `е`, words joined by one space.
fn fold_name(name: &str) -> String {
    name.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| word.to_lowercase().replace('ё', "е"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One link of a case, as its events tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLink {
    pub other_case_id: String,
    pub basis: LinkBasis,
    /// For `same_actor`: the account both cases name.
    pub actor_key: Option<String>,
    /// For an automatic link: a resource both cases name, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_key: Option<String>,
    /// For an automatic `same_child` link: how the child matched.
    pub child_match: Option<ChildMatch>,
    pub automatic: bool,
    pub by: String,
    pub reason: Option<String>,
    pub linked_at: Timestamp,
    /// False once unlinked (a later link makes it true again).
    pub active: bool,
    pub unlinked_by: Option<String>,
    pub unlink_reason: Option<String>,
    pub unlinked_at: Option<Timestamp>,
}

/// One day on which the actor wrote in an imported chat: the occasions the
/// "two or more times" count and the pursuit indicators use. The messages
/// themselves stay in the stored file; the record keeps this summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatOccasion {
    /// The Almaty date.
    pub on: Date,
    pub first_at: Timestamp,
    /// The actor's messages that day.
    pub messages: u32,
    /// The position (1-based, in the file's order) of the first of them, so
    /// the expert finds it in the stored export.
    pub first_message: u64,
    /// Messages that day whose signals show monitoring or tracking, and
    /// offline pursuit (`qorgau_chat::signals::contact_flags`): for the
    /// expert to confirm, never a verdict.
    #[serde(default)]
    pub monitoring: u32,
    #[serde(default)]
    pub offline: u32,
}

/// An imported chat export, as its events tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatRecord {
    pub evidence_id: String,
    pub format: String,
    pub digest: String,
    pub actor_sender: String,
    pub actor_key: String,
    pub platform: Platform,
    pub messages: u64,
    pub actor_messages: u64,
    pub occasions: Vec<ChatOccasion>,
    pub imported_at: Timestamp,
    /// The IANA zone the file was read in (`None`: `Asia/Almaty`).
    pub time_zone: Option<String>,
}

/// Two actor accounts an expert recorded as one person (`actors_linked`), as
/// the events of the case that holds it tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorLink {
    /// The accounts' keys, in sorted order ([`account_pair`]).
    pub accounts: [String; 2],
    pub by: String,
    pub reason: String,
    pub linked_at: Timestamp,
    /// False once unlinked (a later link makes it true again).
    pub active: bool,
    pub unlinked_by: Option<String>,
    pub unlink_reason: Option<String>,
    pub unlinked_at: Option<Timestamp>,
}

/// Two account keys as one pair, whichever order they were given in.
pub fn account_pair(first: &str, second: &str) -> [String; 2] {
    let (low, high) = if first <= second {
        (first, second)
    } else {
        (second, first)
    };
    [low.to_owned(), high.to_owned()]
}

/// A person-link is a fact about accounts, not about a case: the links of
/// every case folded together, one per pair of accounts, in record order
/// (`events`: each event with the case that holds it, as the store's
/// hash chain orders them). The last word on a pair wins, wherever it was
/// recorded: a link made in case A is undone by an unlink made in case B,
/// and linked again by a later link anywhere. Each pair is returned with the
/// case that holds its latest link, where an unlink is to be recorded.
/// Other events are ignored, and an unlink of a pair never linked (which the
/// command refuses) changes nothing.
pub fn person_links<'a>(
    events: impl IntoIterator<Item = (&'a str, &'a CaseEvent)>,
) -> Vec<(String, ActorLink)> {
    let mut by_pair: std::collections::BTreeMap<[String; 2], (String, ActorLink)> =
        std::collections::BTreeMap::new();
    for (case_id, event) in events {
        match event {
            CaseEvent::ActorsLinked {
                accounts,
                reason,
                by,
                linked_at,
            } => {
                let pair = account_pair(&accounts[0], &accounts[1]);
                let link = ActorLink {
                    accounts: pair.clone(),
                    by: by.clone(),
                    reason: reason.clone(),
                    linked_at: *linked_at,
                    active: true,
                    unlinked_by: None,
                    unlink_reason: None,
                    unlinked_at: None,
                };
                by_pair.insert(pair, (case_id.to_owned(), link));
            }
            CaseEvent::ActorsUnlinked {
                accounts,
                reason,
                by,
                unlinked_at,
            } => {
                let pair = account_pair(&accounts[0], &accounts[1]);
                if let Some((_, link)) = by_pair.get_mut(&pair).filter(|(_, link)| link.active) {
                    link.active = false;
                    link.unlinked_by = Some(by.clone());
                    link.unlink_reason = Some(reason.clone());
                    link.unlinked_at = Some(*unlinked_at);
                }
            }
            _ => {}
        }
    }
    by_pair.into_values().collect()
}

/// The child (or a parent) blocked or reported an account (`account_blocked`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockRecord {
    /// The account's key.
    pub account: String,
    pub platform: Platform,
    /// The Almaty date of the block or report.
    pub on: Date,
    pub reported: bool,
    pub by: String,
    pub recorded_at: Timestamp,
}

/// A sign an expert confirmed on an entry of this case's timeline
/// (`sign_confirmed`), as the events of the case tell it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignRecord {
    /// The entry's reference ([`TimelineEntry::reference`]).
    pub entry: String,
    pub sign: Sign,
    pub by: String,
    pub reason: String,
    pub confirmed_at: Timestamp,
    /// False once withdrawn (confirming again makes it true again).
    pub active: bool,
    pub withdrawn_by: Option<String>,
    pub withdraw_reason: Option<String>,
    pub withdrawn_at: Option<Timestamp>,
}

/// What a timeline entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum EntrySource {
    /// Incident `index` (1-based) of the case's application.
    Incident {
        index: usize,
        description: String,
        /// The account as the applicant wrote it.
        actor: Option<String>,
    },
    /// A day of the actor's messages in an imported chat.
    Chat {
        evidence_id: String,
        messages: u32,
        first_message: u64,
        sender: String,
    },
    /// Block `index` (1-based) recorded in the case: the child blocked or
    /// reported the entry's account.
    Block {
        index: usize,
        reported: bool,
        by: String,
    },
}

/// How a block entry reads: "blocked by the child (recorded by e1)".
pub fn block_message(reported: bool, by: &str) -> Message {
    Message::new(if reported {
        "linked-entry-reported"
    } else {
        "linked-entry-blocked"
    })
    .with("by", by)
}

/// A pursuit timeline entry with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseTimelineEntry {
    pub case_id: String,
    pub entry: TimelineEntry,
    /// Signs the lexicons propose for this entry that no expert has
    /// confirmed: shown for the expert to read and confirm, never counted.
    pub unconfirmed: Vec<Sign>,
    #[serde(flatten)]
    pub source: EntrySource,
}

/// The incidents and chat occasions of one case as timeline entries, in time
/// order. An incident has a date, not a time: it is placed at the start of
/// that Almaty day. An incident that names no account has no account: it is
/// the child's history, but nobody's pursuit until an expert says whose
/// (a resource is a place many people write in, not a person).
///
/// The monitoring and offline flags are the signs experts confirmed on the
/// entry (`state.signs`). `flags_of` reads an incident's description for the
/// signs the lexicons propose (the shell passes the chat crate's signals; the
/// domain has none); a chat day's proposals come from its import. Proposals
/// not yet confirmed go to [`CaseTimelineEntry::unconfirmed`].
pub fn case_timeline(
    case_id: &str,
    state: &CaseState,
    flags_of: &dyn Fn(&str) -> ContactFlags,
) -> Vec<CaseTimelineEntry> {
    let mut entries = Vec::new();
    for (position, incident) in state.application.incidents.iter().enumerate() {
        let index = position + 1;
        let resource = incident.resource_key.as_ref().and_then(|key| {
            state
                .application
                .resources
                .iter()
                .find(|resource| &resource.key == key)
        });
        let platform = incident
            .actor_key
            .as_deref()
            .and_then(platform_of_key)
            .or_else(|| resource.and_then(|resource| Platform::parse(&resource.platform).ok()))
            .unwrap_or(Platform::Web);
        let account = incident.actor_key.clone();
        let channel = incident
            .resource_key
            .clone()
            .or_else(|| account.clone())
            .unwrap_or_else(|| format!("{case_id}:unattributed"));
        let reference = format!("{case_id} incident {index}");
        let (flags, unconfirmed) = signs_of(state, &reference, flags_of(&incident.description));
        entries.push(CaseTimelineEntry {
            case_id: case_id.to_owned(),
            entry: TimelineEntry {
                reference,
                at: start_of_day(incident.occurred_on),
                account,
                platform,
                channel,
                kind: EntryKind::Contact(flags),
            },
            unconfirmed,
            source: EntrySource::Incident {
                index,
                description: incident.description.clone(),
                actor: incident.actor.clone(),
            },
        });
    }
    for chat in &state.chats {
        for occasion in &chat.occasions {
            let reference = format!(
                "{case_id} chat {} message {}",
                chat.evidence_id, occasion.first_message
            );
            let proposed = ContactFlags {
                unwanted: true,
                monitoring: occasion.monitoring > 0,
                offline: occasion.offline > 0,
            };
            let (flags, unconfirmed) = signs_of(state, &reference, proposed);
            entries.push(CaseTimelineEntry {
                case_id: case_id.to_owned(),
                entry: TimelineEntry {
                    reference,
                    at: occasion.first_at,
                    account: Some(chat.actor_key.clone()),
                    platform: chat.platform,
                    // The chat itself is the channel: one conversation.
                    channel: format!("chat:{}", chat.digest),
                    kind: EntryKind::Contact(flags),
                },
                unconfirmed,
                source: EntrySource::Chat {
                    evidence_id: chat.evidence_id.clone(),
                    messages: occasion.messages,
                    first_message: occasion.first_message,
                    sender: chat.actor_sender.clone(),
                },
            });
        }
    }
    for (position, block) in state.blocks.iter().enumerate() {
        let index = position + 1;
        entries.push(CaseTimelineEntry {
            case_id: case_id.to_owned(),
            entry: TimelineEntry {
                reference: format!("{case_id} block {index}"),
                // A date, like an incident's: the start of that Almaty day, so
                // a message later that day is "after" it, an incident of the
                // same day is not.
                at: start_of_day(block.on),
                account: Some(block.account.clone()),
                platform: block.platform,
                channel: block.account.clone(),
                kind: if block.reported {
                    EntryKind::Reported
                } else {
                    EntryKind::Blocked
                },
            },
            unconfirmed: Vec::new(),
            source: EntrySource::Block {
                index,
                reported: block.reported,
                by: block.by.clone(),
            },
        });
    }
    sort_timeline(&mut entries);
    entries
}

/// A contact entry's flags: unwanted (every incident and every marked
/// sender's message is, by the application and the expert's marking), and
/// the signs experts confirmed on `reference`; with the proposed signs not
/// confirmed.
fn signs_of(
    state: &CaseState,
    reference: &str,
    proposed: ContactFlags,
) -> (ContactFlags, Vec<Sign>) {
    let confirmed = |sign: Sign| {
        state
            .signs
            .iter()
            .any(|record| record.active && record.sign == sign && record.entry == reference)
    };
    let flags = ContactFlags {
        unwanted: true,
        monitoring: confirmed(Sign::Monitoring),
        offline: confirmed(Sign::Offline),
    };
    let unconfirmed = Sign::ALL
        .into_iter()
        .filter(|sign| sign.of(&proposed) && !sign.of(&flags))
        .collect();
    (flags, unconfirmed)
}

/// The references of a case's contact entries, which signs may be confirmed
/// on (what [`case_timeline`] names them).
pub fn contact_references(case_id: &str, state: &CaseState) -> Vec<String> {
    case_timeline(case_id, state, &|_: &str| ContactFlags::default())
        .into_iter()
        .filter(|item| matches!(item.entry.kind, EntryKind::Contact(_)))
        .map(|item| item.entry.reference)
        .collect()
}

/// Time order; equal times by case and reference, so the order is stable.
pub fn sort_timeline(entries: &mut [CaseTimelineEntry]) {
    entries.sort_by(|left, right| {
        (left.entry.at, &left.case_id, &left.entry.reference).cmp(&(
            right.entry.at,
            &right.case_id,
            &right.entry.reference,
        ))
    });
}

/// `telegram:user:name` → Telegram.
fn platform_of_key(key: &str) -> Option<Platform> {
    key.split(':')
        .next()
        .and_then(|slug| Platform::parse(slug).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn child(name: Option<&str>, birth: Option<Date>, iin: Option<&str>) -> Child {
        Child {
            name: name.map(str::to_owned),
            birth_date: birth,
            iin: iin.map(str::to_owned),
        }
    }

    #[test]
    fn the_same_child_written_differently_has_the_same_keys() {
        let key = b"0123456789abcdef0123456789abcdef";
        let birth = Some(date(2012, 5, 3));
        let first = child_match_keys(&child(Some("Айгерім  Серікова"), birth, None), key);
        let second = child_match_keys(&child(Some("айгерім серікова."), birth, None), key);
        assert_eq!(first, second);
        assert_eq!(first.len(), 1);
        assert!(first[0].starts_with("name:"));
        let other_day = child_match_keys(
            &child(Some("Айгерім Серікова"), Some(date(2012, 5, 4)), None),
            key,
        );
        assert_ne!(first, other_day);
    }

    #[test]
    fn keys_depend_on_the_secret_and_never_contain_the_iin() {
        let iin = "120503650012";
        let with_one = child_match_keys(&child(None, None, Some(iin)), b"one key");
        let with_other = child_match_keys(&child(None, None, Some(iin)), b"another key");
        assert_eq!(with_one.len(), 1);
        assert_ne!(with_one, with_other);
        assert!(!with_one[0].contains(iin));
        assert_eq!(ChildMatch::of_key(&with_one[0]), Some(ChildMatch::Iin));
        // Neither name nor birth date alone makes a key.
        assert!(child_match_keys(&child(Some("A"), None, None), b"k").is_empty());
        assert!(child_match_keys(&child(None, Some(date(2012, 1, 1)), None), b"k").is_empty());
    }

    use crate::application::{
        ApplicantForm, ApplicationForm, Channel, ChildForm, IncidentForm, Relation, ResourceForm,
    };
    use crate::calendar::WorkingCalendar;
    use crate::message::Explain;
    use crate::procedure::{
        Actor, CaseEvent, Command, Context, IncidentKey, LinkCandidate, ProcedureError, Role,
        automatic_links, handle, receive_application,
    };
    use crate::regime::Regimes;
    use crate::validation::actor::ActorAccount;

    const LATER: &str = "QG-2026-000007";
    const EARLIER: &str = "QG-2026-000003";

    fn received() -> Vec<CaseEvent> {
        let form = ApplicationForm {
            language: None,
            applicant: ApplicantForm {
                name: Some("Parent".into()),
                relation: Some(Relation::Parent),
                email: Some("parent@example.kz".into()),
                ..ApplicantForm::default()
            },
            child: ChildForm {
                name: Some("Child".into()),
                birth_date: Some("2013-01-05".into()),
                iin: None,
            },
            resources: vec![ResourceForm {
                url: "https://t.me/class".into(),
            }],
            incidents: vec![IncidentForm {
                occurred_on: "2026-11-20".into(),
                resource_url: Some("https://t.me/class".into()),
                description: "жду тебя у школы".into(),
                actor: Some("@someone".into()),
            }],
            description: None,
        };
        let now: Timestamp = "2026-12-02T10:00:00+05:00".parse().unwrap();
        receive_application(
            &form,
            Channel::Electronic,
            now,
            now,
            WorkingCalendar::embedded(),
            Regimes::embedded(),
        )
        .unwrap()
    }

    /// Runs `command` on `events` as `role`, appending what it yields.
    fn run(
        events: &mut Vec<CaseEvent>,
        role: Role,
        command: Command,
    ) -> Result<Vec<CaseEvent>, ProcedureError> {
        let state = CaseState::replay(events.iter()).unwrap();
        let regime = Regimes::embedded().get(&state.regime).unwrap();
        let actor = Actor {
            name: "e1".into(),
            role,
        };
        let context = Context {
            case_id: LATER,
            now: "2026-12-03T10:00:00+05:00".parse().unwrap(),
            calendar: WorkingCalendar::embedded(),
            regime,
            actor: &actor,
        };
        let new = handle(&state, command, &context)?;
        events.extend(new.clone());
        Ok(new)
    }

    fn link(other: &str, reason: &str) -> Command {
        Command::LinkCase {
            other_case_id: other.into(),
            basis: LinkBasis::SameChild,
            actor_key: None,
            reason: reason.into(),
        }
    }

    fn code(result: Result<Vec<CaseEvent>, ProcedureError>) -> &'static str {
        result.map_err(|error| error.code()).unwrap_err()
    }

    #[test]
    fn staff_link_and_unlink_with_reasons_in_the_later_case() {
        let expert = Role::Expert { chair: false };
        let mut events = received();
        assert_eq!(
            code(run(&mut events, expert.clone(), link(EARLIER, " "))),
            "reason_required"
        );
        assert_eq!(
            code(run(&mut events, expert.clone(), link(LATER, "x"))),
            "link_to_itself"
        );
        assert_eq!(
            code(run(
                &mut events,
                expert.clone(),
                link("QG-2026-000009", "x")
            )),
            "link_from_earlier_case"
        );
        assert_eq!(
            code(run(
                &mut events,
                Role::ResourceOwner {
                    owner: "telegram".into()
                },
                link(EARLIER, "x")
            )),
            "not_allowed"
        );
        let linked = run(&mut events, expert.clone(), link(EARLIER, "same girl")).unwrap();
        assert!(matches!(
            &linked[0],
            CaseEvent::CasesLinked { by, automatic: false, reason: Some(reason), .. }
                if by == "e1" && reason == "same girl"
        ));
        assert_eq!(
            code(run(&mut events, expert.clone(), link(EARLIER, "again"))),
            "already_linked"
        );
        let unlink = |reason: &str| Command::UnlinkCase {
            other_case_id: EARLIER.into(),
            reason: reason.into(),
        };
        assert_eq!(
            code(run(&mut events, expert.clone(), unlink(""))),
            "reason_required"
        );
        run(&mut events, Role::Coordinator, unlink("another child")).unwrap();
        assert_eq!(
            code(run(&mut events, expert.clone(), unlink("twice"))),
            "not_linked"
        );
        // Linked again after an unlink: the link is active once more.
        run(&mut events, expert, link(EARLIER, "it was her after all")).unwrap();
        let state = CaseState::replay(events.iter()).unwrap();
        let link = state.link(EARLIER).unwrap();
        assert!(link.active);
        assert_eq!(link.reason.as_deref(), Some("it was her after all"));
    }

    fn account(platform: Platform, handle: &str) -> ActorAccount {
        ActorAccount::parse(platform, handle).unwrap()
    }

    #[test]
    fn staff_link_accounts_as_one_person_and_unlink_with_reasons() {
        let expert = Role::Expert { chair: false };
        let mut events = received();
        let telegram = account(Platform::Telegram, "@Stalker_New");
        let vk = account(Platform::Vk, "https://vk.com/stalker3");
        let link = |reason: &str| Command::LinkActors {
            accounts: [telegram.clone(), vk.clone()],
            reason: reason.into(),
        };
        assert_eq!(
            code(run(&mut events, expert.clone(), link("  "))),
            "reason_required"
        );
        assert_eq!(
            code(run(
                &mut events,
                expert.clone(),
                Command::LinkActors {
                    accounts: [
                        telegram.clone(),
                        account(Platform::Telegram, "t.me/stalker_new")
                    ],
                    reason: "x".into(),
                }
            )),
            "actors_same_account"
        );
        assert_eq!(
            code(run(
                &mut events,
                Role::ResourceOwner { owner: "vk".into() },
                link("x")
            )),
            "not_allowed"
        );
        let linked = run(&mut events, expert.clone(), link("same photo, same words")).unwrap();
        // Sorted keys, whichever order they were given in.
        assert!(matches!(
            &linked[0],
            CaseEvent::ActorsLinked { accounts, by, reason, .. }
                if accounts[0] == telegram.key && accounts[1] == vk.key
                    && by == "e1" && reason == "same photo, same words"
        ));
        let swapped = Command::LinkActors {
            accounts: [vk.clone(), telegram.clone()],
            reason: "again".into(),
        };
        assert_eq!(
            code(run(&mut events, expert.clone(), swapped)),
            "actors_already_linked"
        );
        let unlink = |reason: &str| Command::UnlinkActors {
            accounts: [vk.key.clone(), telegram.key.clone()],
            reason: reason.into(),
        };
        assert_eq!(
            code(run(&mut events, expert.clone(), unlink(""))),
            "reason_required"
        );
        run(
            &mut events,
            Role::Coordinator,
            unlink("a classmate, not him"),
        )
        .unwrap();
        assert_eq!(
            code(run(&mut events, expert.clone(), unlink("twice"))),
            "actors_not_linked"
        );
        let state = CaseState::replay(events.iter()).unwrap();
        let record = state.actor_link(&vk.key, &telegram.key).unwrap();
        assert!(!record.active);
        assert_eq!(
            record.unlink_reason.as_deref(),
            Some("a classmate, not him")
        );
        // Linked again: active once more, with the new reason.
        run(&mut events, expert, link("the police confirmed it")).unwrap();
        let state = CaseState::replay(events.iter()).unwrap();
        assert!(state.actor_link(&telegram.key, &vk.key).unwrap().active);
        assert_eq!(state.actor_links.len(), 1);
    }

    #[test]
    fn a_block_is_recorded_once_and_never_in_the_future() {
        let expert = Role::Expert { chair: false };
        let mut events = received();
        let old = account(Platform::Telegram, "@someone");
        let block = |on: &str, reported: bool| Command::RecordBlock {
            account: old.clone(),
            on: on.parse().unwrap(),
            reported,
        };
        // "Now" is 2026-12-03 in Almaty.
        assert_eq!(
            code(run(&mut events, expert.clone(), block("2026-12-04", false))),
            "block_in_future"
        );
        assert_eq!(
            code(run(
                &mut events,
                Role::ResourceOwner {
                    owner: "telegram".into()
                },
                block("2026-11-21", false)
            )),
            "not_allowed"
        );
        let recorded = run(&mut events, expert.clone(), block("2026-11-21", false)).unwrap();
        assert!(matches!(
            &recorded[0],
            CaseEvent::AccountBlocked { account, platform: Platform::Telegram, reported: false, by, .. }
                if *account == old.key && by == "e1"
        ));
        assert_eq!(
            code(run(&mut events, expert.clone(), block("2026-11-21", false))),
            "block_already_recorded"
        );
        // Reported the same day is another fact.
        run(&mut events, expert, block("2026-11-21", true)).unwrap();
        let state = CaseState::replay(events.iter()).unwrap();
        let entries = case_timeline(LATER, &state, &|_: &str| ContactFlags::default());
        let kinds: Vec<(&str, EntryKind)> = entries
            .iter()
            .map(|entry| (entry.entry.reference.as_str(), entry.entry.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    "QG-2026-000007 incident 1",
                    EntryKind::Contact(ContactFlags {
                        unwanted: true,
                        ..ContactFlags::default()
                    })
                ),
                ("QG-2026-000007 block 1", EntryKind::Blocked),
                ("QG-2026-000007 block 2", EntryKind::Reported),
            ]
        );
    }

    #[test]
    fn one_prolific_account_links_only_the_most_recent_cases_but_the_childs_cases_too() {
        use crate::procedure::command::MAX_AUTOMATIC_ACTOR_LINKS;
        let now: Timestamp = "2026-12-03T10:00:00+05:00".parse().unwrap();
        let mut candidates: Vec<LinkCandidate> = (1..=40)
            .map(|number| LinkCandidate {
                case_id: format!("QG-2026-{number:06}"),
                actor_key: Some("telegram:@channel".into()),
                child_match: None,
                resource_key: None,
            })
            .collect();
        candidates.push(LinkCandidate {
            case_id: "QG-2026-000002".into(),
            actor_key: None,
            child_match: Some(ChildMatch::NameAndBirthDate),
            resource_key: None,
        });
        let linked: Vec<String> = automatic_links(&candidates, now)
            .into_iter()
            .map(|event| match event {
                CaseEvent::CasesLinked { other_case_id, .. } => other_case_id,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(linked.len(), MAX_AUTOMATIC_ACTOR_LINKS + 1);
        assert!(
            linked.contains(&"QG-2026-000002".to_owned()),
            "the child's case"
        );
        assert!(linked.contains(&"QG-2026-000040".to_owned()));
        assert!(linked.contains(&"QG-2026-000031".to_owned()));
        assert!(!linked.contains(&"QG-2026-000030".to_owned()));
    }

    #[test]
    fn the_same_child_posted_again_and_again_links_only_the_most_recent_cases() {
        use crate::procedure::command::MAX_AUTOMATIC_CHILD_LINKS;
        let now: Timestamp = "2026-12-03T10:00:00+05:00".parse().unwrap();
        let candidates: Vec<LinkCandidate> = (1..=40)
            .map(|number| LinkCandidate {
                case_id: format!("QG-2026-{number:06}"),
                actor_key: None,
                child_match: Some(if number % 2 == 0 {
                    ChildMatch::Iin
                } else {
                    ChildMatch::NameAndBirthDate
                }),
                resource_key: None,
            })
            .collect();
        let linked: Vec<String> = automatic_links(&candidates, now)
            .into_iter()
            .map(|event| match event {
                CaseEvent::CasesLinked { other_case_id, .. } => other_case_id,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(linked.len(), MAX_AUTOMATIC_CHILD_LINKS);
        assert!(linked.contains(&"QG-2026-000040".to_owned()));
        assert!(linked.contains(&"QG-2026-000016".to_owned()));
        assert!(!linked.contains(&"QG-2026-000015".to_owned()));
        // A handful, as a real child has, are all linked.
        assert_eq!(automatic_links(&candidates[..5], now).len(), 5);
    }

    #[test]
    fn automatic_links_prefer_the_child_and_the_iin() {
        let now: Timestamp = "2026-12-03T10:00:00+05:00".parse().unwrap();
        let candidates = [
            LinkCandidate {
                case_id: "QG-2026-000002".into(),
                actor_key: Some("telegram:channel:x".into()),
                child_match: None,
                resource_key: None,
            },
            LinkCandidate {
                case_id: "QG-2026-000001".into(),
                actor_key: None,
                child_match: Some(ChildMatch::NameAndBirthDate),
                resource_key: None,
            },
            LinkCandidate {
                case_id: "QG-2026-000001".into(),
                actor_key: Some("telegram:channel:x".into()),
                child_match: Some(ChildMatch::Iin),
                resource_key: None,
            },
        ];
        let events = automatic_links(&candidates, now);
        let summary: Vec<_> = events
            .iter()
            .map(|event| match event {
                CaseEvent::CasesLinked {
                    other_case_id,
                    basis,
                    actor_key,
                    child_match,
                    automatic,
                    by,
                    ..
                } => (
                    other_case_id.as_str(),
                    *basis,
                    actor_key.as_deref(),
                    *child_match,
                    *automatic,
                    by.as_str(),
                ),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "QG-2026-000001",
                    LinkBasis::SameChild,
                    Some("telegram:channel:x"),
                    Some(ChildMatch::Iin),
                    true,
                    "qorgau"
                ),
                (
                    "QG-2026-000002",
                    LinkBasis::SameActor,
                    Some("telegram:channel:x"),
                    None,
                    true,
                    "qorgau"
                ),
            ]
        );
        assert!(automatic_links(&[], now).is_empty());
    }

    #[test]
    fn chat_days_count_unless_an_incident_has_that_day() {
        let events = received();
        let state = CaseState::replay(events.iter()).unwrap();
        let day = |text: &str| -> Date { text.parse().unwrap() };
        let chat = |text: &str| IncidentKey {
            occurred_on: day(text),
            resource_key: Some("chat:sha256:ab".into()),
        };
        let (own, linked) = crate::procedure::command::count_incidents_with_chats(
            &state.application,
            // 2026-11-20 is also the application's incident: counted once.
            &[chat("2026-11-20"), chat("2026-11-21"), chat("2026-11-25")],
            // The same chat day, imported in a linked case too: not again.
            &[chat("2026-11-25"), chat("2026-11-26")],
        );
        assert_eq!((own, linked), (3, 1));
    }

    #[test]
    fn a_lexicon_match_is_proposed_and_only_an_experts_confirmation_counts() {
        let expert = Role::Expert { chair: false };
        let mut events = received();
        let offline_words = |text: &str| ContactFlags {
            offline: text.contains("школы"),
            ..ContactFlags::default()
        };
        let timeline = |events: &[CaseEvent]| {
            let state = CaseState::replay(events.iter()).unwrap();
            case_timeline(LATER, &state, &offline_words)
        };
        let entries = timeline(&events);
        assert_eq!(entries.len(), 1);
        let entry = &entries[0].entry;
        assert_eq!(entry.reference, format!("{LATER} incident 1"));
        assert_eq!(entry.platform, Platform::Telegram);
        assert_eq!(entry.account.as_deref(), Some("telegram:channel:someone"));
        // Proposed by the lexicon, not confirmed: no flag, shown as a proposal.
        assert_eq!(
            entry.kind,
            EntryKind::Contact(ContactFlags {
                unwanted: true,
                ..ContactFlags::default()
            })
        );
        assert_eq!(entries[0].unconfirmed, [Sign::Offline]);

        let confirm = |entry: &str, reason: &str| Command::ConfirmSign {
            entry: entry.into(),
            sign: Sign::Offline,
            reason: reason.into(),
        };
        let reference = format!("{LATER} incident 1");
        assert_eq!(
            code(run(&mut events, expert.clone(), confirm(&reference, " "))),
            "reason_required"
        );
        assert_eq!(
            code(run(
                &mut events,
                expert.clone(),
                confirm(&format!("{EARLIER} incident 1"), "x")
            )),
            "unknown_entry"
        );
        assert_eq!(
            code(run(
                &mut events,
                Role::ResourceOwner {
                    owner: "telegram".into()
                },
                confirm(&reference, "x")
            )),
            "not_allowed"
        );
        let confirmed = run(
            &mut events,
            expert.clone(),
            confirm(&reference, "waits for her at the school gate"),
        )
        .unwrap();
        assert!(matches!(
            &confirmed[0],
            CaseEvent::SignConfirmed { entry, sign: Sign::Offline, by, reason, .. }
                if *entry == reference && by == "e1" && reason == "waits for her at the school gate"
        ));
        assert_eq!(
            code(run(
                &mut events,
                expert.clone(),
                confirm(&reference, "again")
            )),
            "sign_already_confirmed"
        );
        let entries = timeline(&events);
        assert_eq!(
            entries[0].entry.kind,
            EntryKind::Contact(ContactFlags {
                unwanted: true,
                monitoring: false,
                offline: true
            })
        );
        assert!(entries[0].unconfirmed.is_empty());
        // Withdrawn with a reason: the flag is gone, the proposal back.
        let withdraw = |reason: &str| Command::WithdrawSign {
            entry: reference.clone(),
            sign: Sign::Offline,
            reason: reason.into(),
        };
        run(
            &mut events,
            Role::Coordinator,
            withdraw("the school is hers too"),
        )
        .unwrap();
        assert_eq!(
            code(run(&mut events, expert, withdraw("twice"))),
            "sign_not_confirmed"
        );
        let entries = timeline(&events);
        assert_eq!(entries[0].unconfirmed, [Sign::Offline]);
        let state = CaseState::replay(events.iter()).unwrap();
        let record = state.sign(&reference, Sign::Offline).unwrap();
        assert!(!record.active);
        assert_eq!(
            record.withdraw_reason.as_deref(),
            Some("the school is hers too")
        );
    }

    #[test]
    fn an_incident_naming_no_account_has_no_account() {
        let mut events = received();
        if let Some(CaseEvent::ApplicationReceived { application, .. }) = events.first_mut() {
            application.incidents[0].actor_key = None;
            application.incidents[0].actor = None;
        }
        let state = CaseState::replay(events.iter()).unwrap();
        let entries = case_timeline(LATER, &state, &|_: &str| ContactFlags::default());
        assert_eq!(entries[0].entry.account, None);
        // Still placed on its resource's platform and channel, for the reader.
        assert_eq!(entries[0].entry.platform, Platform::Telegram);
        assert!(
            entries[0].entry.channel.contains("class"),
            "{:?}",
            entries[0]
        );
    }

    #[test]
    fn a_shared_resource_links_the_most_recent_cases_and_crowds_out_nothing() {
        use crate::procedure::command::MAX_AUTOMATIC_RESOURCE_LINKS;
        let now: Timestamp = "2026-12-03T10:00:00+05:00".parse().unwrap();
        let class_chat = "telegram:channel:class_7a";
        // A class chat named by forty earlier applications about other
        // children, by other people.
        let mut candidates: Vec<LinkCandidate> = (1..=40)
            .map(|number| LinkCandidate {
                case_id: format!("QG-2026-{number:06}"),
                resource_key: Some(class_chat.into()),
                ..LinkCandidate::default()
            })
            .collect();
        // An early case about the same child, and one sharing the account
        // as well as the chat: each kept, each on its own basis.
        candidates.push(LinkCandidate {
            case_id: "QG-2026-000001".into(),
            child_match: Some(ChildMatch::Iin),
            ..LinkCandidate::default()
        });
        candidates.push(LinkCandidate {
            case_id: "QG-2026-000002".into(),
            actor_key: Some("telegram:channel:stalker".into()),
            ..LinkCandidate::default()
        });
        let summary: Vec<(String, LinkBasis, Option<String>)> = automatic_links(&candidates, now)
            .into_iter()
            .map(|event| match event {
                CaseEvent::CasesLinked {
                    other_case_id,
                    basis,
                    resource_key,
                    ..
                } => (other_case_id, basis, resource_key),
                other => panic!("{other:?}"),
            })
            .collect();
        let on = |basis: LinkBasis| {
            summary
                .iter()
                .filter(|(_, found, _)| *found == basis)
                .count()
        };
        assert_eq!(on(LinkBasis::SameResource), MAX_AUTOMATIC_RESOURCE_LINKS);
        assert_eq!(on(LinkBasis::SameChild), 1);
        assert_eq!(on(LinkBasis::SameActor), 1);
        assert_eq!(
            summary[0],
            (
                "QG-2026-000001".to_owned(),
                LinkBasis::SameChild,
                Some(class_chat.to_owned())
            )
        );
        assert_eq!(
            summary[1],
            (
                "QG-2026-000002".to_owned(),
                LinkBasis::SameActor,
                Some(class_chat.to_owned())
            )
        );
        // The most recent ten that share only the chat; not the eleventh.
        let linked: Vec<&str> = summary
            .iter()
            .map(|(case_id, _, _)| case_id.as_str())
            .collect();
        assert!(linked.contains(&"QG-2026-000040"));
        assert!(linked.contains(&"QG-2026-000031"));
        assert!(!linked.contains(&"QG-2026-000030"));
        // A handful are all linked; one short of the cap is not capped.
        let few = &candidates[..MAX_AUTOMATIC_RESOURCE_LINKS - 1];
        assert_eq!(
            automatic_links(few, now).len(),
            MAX_AUTOMATIC_RESOURCE_LINKS - 1
        );
        assert_eq!(
            LinkBasis::parse("same-resource"),
            Some(LinkBasis::SameResource)
        );
    }

    #[test]
    fn each_kind_of_match_is_capped_on_its_own_whatever_basis_it_ends_with() {
        use crate::procedure::command::{
            MAX_AUTOMATIC_ACTOR_LINKS, MAX_AUTOMATIC_CHILD_LINKS, MAX_AUTOMATIC_RESOURCE_LINKS,
        };
        let now: Timestamp = "2026-12-03T10:00:00+05:00".parse().unwrap();
        let class_chat = "telegram:channel:class_7a";
        // Ten early cases about other children name the chat; thirty later
        // ones are about this child and name it too.
        let candidates: Vec<LinkCandidate> = (1..=40)
            .map(|number| LinkCandidate {
                case_id: format!("QG-2026-{number:06}"),
                child_match: (number > 10).then_some(ChildMatch::Iin),
                resource_key: Some(class_chat.into()),
                ..LinkCandidate::default()
            })
            .collect();
        let links: Vec<(String, LinkBasis)> = automatic_links(&candidates, now)
            .into_iter()
            .map(|event| match event {
                CaseEvent::CasesLinked {
                    other_case_id,
                    basis,
                    resource_key,
                    ..
                } => {
                    assert_eq!(resource_key.as_deref(), Some(class_chat));
                    (other_case_id, basis)
                }
                other => panic!("{other:?}"),
            })
            .collect();
        // The ten most recent naming the chat are among the child's own: the
        // early cases about other children are left to the experts, so what
        // the store reads for the chat is its ten most recent cases, however
        // many name it.
        let expected: Vec<(String, LinkBasis)> = (16..=40)
            .map(|number| (format!("QG-2026-{number:06}"), LinkBasis::SameChild))
            .collect();
        assert_eq!(links, expected);

        // However much is shared, a new case gets at most the three caps.
        let crowded: Vec<LinkCandidate> = (1..=300)
            .map(|number| LinkCandidate {
                case_id: format!("QG-2026-{number:06}"),
                child_match: (number % 3 == 0).then_some(ChildMatch::NameAndBirthDate),
                actor_key: (number % 3 == 1).then(|| "telegram:@stalker".to_owned()),
                resource_key: (number % 3 == 2).then(|| class_chat.to_owned()),
            })
            .collect();
        assert_eq!(
            automatic_links(&crowded, now).len(),
            MAX_AUTOMATIC_CHILD_LINKS + MAX_AUTOMATIC_ACTOR_LINKS + MAX_AUTOMATIC_RESOURCE_LINKS
        );
    }

    #[test]
    fn a_person_link_holds_across_cases_until_an_unlink_anywhere() {
        let at: Timestamp = "2026-12-03T10:00:00+05:00".parse().unwrap();
        let linked = |first: &str, second: &str, reason: &str| CaseEvent::ActorsLinked {
            accounts: [first.into(), second.into()],
            reason: reason.into(),
            by: "e1".into(),
            linked_at: at,
        };
        let unlinked = |first: &str, second: &str| CaseEvent::ActorsUnlinked {
            accounts: [first.into(), second.into()],
            reason: "two people after all".into(),
            by: "e2".into(),
            unlinked_at: at,
        };
        let (tg, vk, ig) = (
            "telegram:account:123",
            "vk:account:id1",
            "instagram:account:x",
        );
        let check = |events: &[(&str, CaseEvent)], expected: &[(&str, [&str; 2], bool)]| {
            let folded = person_links(events.iter().map(|(case, event)| (*case, event)));
            let summary: Vec<(&str, [&str; 2], bool)> = folded
                .iter()
                .map(|(case, link)| {
                    (
                        case.as_str(),
                        [link.accounts[0].as_str(), link.accounts[1].as_str()],
                        link.active,
                    )
                })
                .collect();
            assert_eq!(summary, expected, "{events:?}");
        };
        // Linked in A (either order of the accounts): active, held by A.
        check(
            &[("A", linked(vk, tg, "same photo"))],
            &[("A", [tg, vk], true)],
        );
        // Undone by an unlink recorded in B: undone everywhere.
        check(
            &[("A", linked(tg, vk, "same photo")), ("B", unlinked(vk, tg))],
            &[("A", [tg, vk], false)],
        );
        // Linked again later in C: active, held by C.
        check(
            &[
                ("A", linked(tg, vk, "same photo")),
                ("B", unlinked(tg, vk)),
                ("C", linked(tg, vk, "same phone number")),
            ],
            &[("C", [tg, vk], true)],
        );
        // An unlink of another pair, or of a pair never linked, changes nothing;
        // other events are not links.
        check(
            &[
                ("A", linked(tg, vk, "same photo")),
                ("B", unlinked(tg, ig)),
                (
                    "B",
                    CaseEvent::CasesUnlinked {
                        other_case_id: "A".into(),
                        by: "e1".into(),
                        reason: "x".into(),
                        unlinked_at: at,
                    },
                ),
            ],
            &[("A", [tg, vk], true)],
        );
        let folded = person_links([("A", &linked(tg, vk, "same photo"))]);
        assert_eq!(folded[0].1.reason, "same photo");
        assert_eq!(folded[0].1.by, "e1");
    }

    #[test]
    fn names_fold_to_letters_and_digits() {
        assert_eq!(fold_name("  Пётр-Иван  ИВАНОВ "), "петр иван иванов");
        assert_eq!(fold_name("..."), "");
    }
}
