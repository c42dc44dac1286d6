//! What linking cases needs from the store: the earlier cases a new
//! application matches (by actor account, by child), and the links of a case
//! in both directions. A supertrait of [`Store`](crate::Store), so every store
//! has it.
//!
//! Two read models serve it (migration 0006), both rebuilt from the events:
//! `case_links` (one row per link recorded in a case: the `CaseLink` as JSON
//! and whether it is active) and `case_children` (the child's keyed hashes,
//! `qorgau_domain::linking::child_match_keys`, under the secret in
//! `match_key`). The secret never leaves the database and is not exported:
//! an imported store draws a new one and recomputes every hash from the events.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::future::Future;

use qorgau_domain::application::{Application, Child};
use qorgau_domain::linking::{ActorLink, CaseLink, ChildMatch, child_match_keys, person_links};
use qorgau_domain::procedure::command::{
    MAX_AUTOMATIC_ACTOR_LINKS, MAX_AUTOMATIC_CHILD_LINKS, MAX_AUTOMATIC_RESOURCE_LINKS,
};
use qorgau_domain::procedure::{LinkCandidate, automatic_links};

use crate::batch::Write;
use crate::rows::{ReadModel, decode};
use crate::{AnyStore, StoreError};

/// One link of a case, seen from that case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    /// The other case of the pair.
    pub other_case_id: String,
    /// The case whose record holds the link (the later of the two).
    pub recorded_in: String,
    pub link: CaseLink,
}

/// What a new application is linked by (issue 7): its incidents' actor
/// accounts, its Internet resources and its child. The store looks them up
/// in the transaction that writes the application
/// (`Store::create_application`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkKeys {
    pub actor_keys: Vec<String>,
    pub resource_keys: Vec<String>,
    pub child: Child,
}

impl LinkKeys {
    /// An application's keys: its incidents' actor accounts, its resources
    /// and its child.
    pub fn of(application: &Application) -> LinkKeys {
        LinkKeys {
            actor_keys: application
                .incidents
                .iter()
                .filter_map(|incident| incident.actor_key.clone())
                .collect(),
            resource_keys: application
                .resources
                .iter()
                .map(|resource| resource.key.clone())
                .collect(),
            child: application.child.clone(),
        }
    }
}

/// How many of its most recent cases the link lookup reads for an actor key,
/// a child key and a resource key: as many as `automatic_links` can link for
/// that kind of match, so the lookup gives the links a read of every case
/// would, and no more (`Links::link_candidates`).
pub(crate) const LOOKUP_CAPS: [i64; 3] = [
    MAX_AUTOMATIC_ACTOR_LINKS as i64,
    MAX_AUTOMATIC_CHILD_LINKS as i64,
    MAX_AUTOMATIC_RESOURCE_LINKS as i64,
];

/// What one linked write is looked up by: actor keys, resource keys, child
/// keys (keyed hashes).
type WriteKeys = (Vec<String>, Vec<String>, Vec<String>);

/// The automatic links of a batch's new applications, found with one lookup
/// for the whole batch under the write lock: every case committed before the
/// batch — by this instance or another — is seen. (Applications of the same
/// batch do not see each other: their numbers are taken after their events
/// are checked. They arrived within one commit of each other, and a person
/// can still link them.)
pub(crate) struct BatchLinks {
    /// For each write of the batch, its keys when it is to be linked.
    keys: Vec<Option<WriteKeys>>,
}

impl BatchLinks {
    /// The keys of the writes to be linked, the child's under `match_key`.
    pub(crate) fn of(writes: &[Write], match_key: &[u8]) -> BatchLinks {
        let keys = writes
            .iter()
            .map(|write| {
                write.links.as_ref().map(|links| {
                    (
                        links.actor_keys.clone(),
                        links.resource_keys.clone(),
                        child_match_keys(&links.child, match_key),
                    )
                })
            })
            .collect();
        BatchLinks { keys }
    }

    /// Every actor key, resource key and child key to look up, each once.
    pub(crate) fn lookup(&self) -> WriteKeys {
        let mut actors: Vec<String> = Vec::new();
        let mut resources: Vec<String> = Vec::new();
        let mut children: Vec<String> = Vec::new();
        for (actor_keys, resource_keys, child_keys) in self.keys.iter().flatten() {
            actors.extend(actor_keys.iter().cloned());
            resources.extend(resource_keys.iter().cloned());
            children.extend(child_keys.iter().cloned());
        }
        for keys in [&mut actors, &mut resources, &mut children] {
            keys.sort();
            keys.dedup();
        }
        (actors, resources, children)
    }

    /// `writes` with each linked write's `cases_linked` events appended
    /// (`automatic_links` of the rows that match its keys); borrowed when
    /// none got a link.
    pub(crate) fn apply<'w>(
        &self,
        writes: &'w [Write],
        rows: &[(String, String, String)],
    ) -> Cow<'w, [Write]> {
        let mut linked: Option<Vec<Write>> = None;
        for (index, (write, keys)) in writes.iter().zip(&self.keys).enumerate() {
            let Some((actor_keys, resource_keys, child_keys)) = keys else {
                continue;
            };
            let matching: Vec<(String, String, String)> = rows
                .iter()
                .filter(|(kind, _, key)| match kind.as_str() {
                    "actor" => actor_keys.contains(key),
                    "resource" => resource_keys.contains(key),
                    _ => child_keys.contains(key),
                })
                .cloned()
                .collect();
            if matching.is_empty() {
                continue;
            }
            let events = automatic_links(&candidates(matching), write.now);
            linked.get_or_insert_with(|| writes.to_vec())[index]
                .events
                .extend(events);
        }
        match linked {
            Some(writes) => Cow::Owned(writes),
            None => Cow::Borrowed(writes),
        }
    }
}

pub trait Links {
    /// Cases that share one of `actor_keys` (an incident's or a chat's actor
    /// account) or one of `resource_keys`, or whose child matches `child`
    /// (same IIN, or same name and birth date, compared by keyed hash): for
    /// each key the most recent cases, as many as `automatic_links` links for
    /// its kind, each with every key it shares. One candidate per case.
    fn link_candidates(
        &self,
        actor_keys: &[String],
        resource_keys: &[String],
        child: &Child,
    ) -> impl Future<Output = Result<Vec<LinkCandidate>, StoreError>> + Send;

    /// Every link of `case_id`, active or undone, recorded in it or in a
    /// later case, ordered by the other case's number.
    fn case_links(
        &self,
        case_id: &str,
    ) -> impl Future<Output = Result<Vec<LinkRow>, StoreError>> + Send;

    /// Every pair of accounts recorded as one person, in any case, as the
    /// `actors_linked` / `actors_unlinked` events of the whole record fold
    /// (`qorgau_domain::linking::person_links`): one per pair, active or
    /// undone, with the case that holds its latest link. A person-link is a
    /// fact about accounts, so every case's timeline applies it. The events
    /// are read in record order through a partial index (migration 0011).
    fn person_links(&self) -> impl Future<Output = Result<Vec<PersonLink>, StoreError>> + Send;

    /// The cases that name the account `actor_key` (an incident's or an
    /// imported chat's actor), the most recent first, at most `limit`.
    fn actor_cases(
        &self,
        actor_key: &str,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}

/// Two accounts recorded as one person, and the case that holds the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonLink {
    pub recorded_in: String,
    pub link: ActorLink,
}

/// The person links of `(seq, case_id, payload)` rows of the link events,
/// in record order.
pub(crate) fn person_links_of(
    rows: Vec<(i64, String, String)>,
) -> Result<Vec<PersonLink>, StoreError> {
    let events = rows
        .into_iter()
        .map(|(seq, case_id, payload)| Ok((case_id, decode(&payload, seq)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(person_links(
        events
            .iter()
            .map(|(case_id, event)| (case_id.as_str(), event)),
    )
    .into_iter()
    .map(|(recorded_in, link)| PersonLink { recorded_in, link })
    .collect())
}

macro_rules! forward {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $call.await,
            AnyStore::Postgres($store) => $call.await,
        }
    };
}

impl Links for AnyStore {
    async fn link_candidates(
        &self,
        actor_keys: &[String],
        resource_keys: &[String],
        child: &Child,
    ) -> Result<Vec<LinkCandidate>, StoreError> {
        forward!(self, store => store.link_candidates(actor_keys, resource_keys, child))
    }

    async fn case_links(&self, case_id: &str) -> Result<Vec<LinkRow>, StoreError> {
        forward!(self, store => store.case_links(case_id))
    }

    async fn person_links(&self) -> Result<Vec<PersonLink>, StoreError> {
        forward!(self, store => store.person_links())
    }

    async fn actor_cases(&self, actor_key: &str, limit: u32) -> Result<Vec<String>, StoreError> {
        forward!(self, store => store.actor_cases(actor_key, limit))
    }
}

/// The rows of `case_links` for the cases written: `(case_id,
/// other_case_id, active, CaseLink as JSON)`.
pub(crate) fn link_rows(
    models: &[(String, ReadModel)],
) -> Result<Vec<(String, String, bool, String)>, StoreError> {
    let mut rows = Vec::new();
    for (case_id, model) in models {
        for link in &model.links {
            let json = serde_json::to_string(link)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            rows.push((
                case_id.clone(),
                link.other_case_id.clone(),
                link.active,
                json,
            ));
        }
    }
    Ok(rows)
}

/// The rows of `case_children` for the cases written: `(case_id, child_key)`.
pub(crate) fn child_rows(models: &[(String, ReadModel)], key: &[u8]) -> Vec<(String, String)> {
    models
        .iter()
        .flat_map(|(case_id, model)| {
            child_match_keys(&model.child, key)
                .into_iter()
                .map(move |child_key| (case_id.clone(), child_key))
        })
        .collect()
}

/// `(case_id, other_case_id, link JSON)` rows, read from either side, as
/// the links of `case_id`.
pub(crate) fn link_rows_of(
    case_id: &str,
    rows: Vec<(String, String, String)>,
) -> Result<Vec<LinkRow>, StoreError> {
    let mut links = rows
        .into_iter()
        .map(|(recorded_in, other, json)| {
            let link: CaseLink = serde_json::from_str(&json)
                .map_err(|error| StoreError::Corrupt(format!("link {recorded_in}: {error}")))?;
            let other_case_id = if recorded_in == case_id {
                other
            } else {
                recorded_in.clone()
            };
            Ok(LinkRow {
                other_case_id,
                recorded_in,
                link,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    links.sort_by(|left, right| left.other_case_id.cmp(&right.other_case_id));
    Ok(links)
}

/// Candidates from the rows of the one lookup query, `(kind, case_id,
/// key)` with kind `actor` (sharing an account), `resource` (sharing a
/// resource) or `child` (a keyed hash matching the child): one per case.
pub(crate) fn candidates(rows: Vec<(String, String, String)>) -> Vec<LinkCandidate> {
    let mut by_case: BTreeMap<String, LinkCandidate> = BTreeMap::new();
    for (kind, case_id, key) in rows {
        let candidate = by_case
            .entry(case_id.clone())
            .or_insert_with(|| LinkCandidate {
                case_id,
                ..LinkCandidate::default()
            });
        match kind.as_str() {
            "actor" => {
                candidate.actor_key.get_or_insert(key);
            }
            "resource" => {
                candidate.resource_key.get_or_insert(key);
            }
            _ => {
                let found = ChildMatch::of_key(&key);
                if candidate.child_match != Some(ChildMatch::Iin) {
                    candidate.child_match = found.or(candidate.child_match);
                }
            }
        }
    }
    by_case.into_values().collect()
}

/// The JSON array of `values`, for `IN (SELECT value FROM json_each(?))` and
/// `= ANY(?)` alike.
pub(crate) fn json_list(values: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(values).map_err(|error| StoreError::Corrupt(error.to_string()))
}
