//! Pursuit indicators: the signs that one person is stalking one child.
//!
//! PRODUCT.md: cyberstalking is "obsessive, persistent pursuit, tracking or
//! monitoring of a person online (repeated unwanted contact across channels,
//! monitoring software, following into offline life)", and it shows across
//! applications, channels and weeks rather than in one message. Issue 7 names
//! five indicators; each is computed here over a plain timeline and each is
//! **explainable**: it lists exactly the entries it rests on.
//!
//! Every indicator is about **one person** towards the child: one account, or
//! accounts an expert recorded as one person ([`Persons`]). Several
//! classmates who each write to the child twice are bullying, not one
//! person's pursuit, so the timeline is first split by person and each
//! indicator counts only that person's entries; an incident that names no
//! account ([`TimelineEntry::account`] `None`) stays in the timeline for the
//! expert to read but counts towards nobody.
//!
//! 1. [`Indicator::RepeatedContact`]: the person's unwanted contact on at
//!    least N distinct days (Almaty dates) within a period of D days;
//! 2. [`Indicator::CrossChannel`]: the person's unwanted contact over at
//!    least M platforms or channels; two accounts on two platforms are two
//!    people until an expert links them;
//! 3. [`Indicator::NewAccountsAfterBlock`]: accounts of the person, never seen
//!    before, that start contact within D days after the child blocked or
//!    reported another of the person's accounts (so the new account must be
//!    linked to the blocked one: any other account is someone else);
//! 4. [`Indicator::Monitoring`]: the person's contact showing knowledge of the
//!    child's location or routine, location sharing, tracking apps;
//! 5. [`Indicator::OfflineSpill`]: the person's contact that reaches into
//!    offline life.
//!
//! The monitoring and offline flags of a [`ContactFlags`] are **signs an
//! expert confirmed** (`sign_confirmed`, with a reason, docs/linking.md). The
//! chat crate's lexicons only *propose* them: a keyword such as "у школы"
//! is as often a classmate's "see you at school" as a stalker's "I waited for
//! you at the school", and the issue's rule is that signals never decide. An
//! unconfirmed match is shown beside the entry for the expert to confirm; it
//! never fires an indicator by itself.
//!
//! Every threshold is data, in the regime file's `[pursuit]` table
//! ([`PursuitThresholds`], parsed in `regime.rs`), not code: none is law —
//! neither Order comes near stalking — they are Qorgau's policy and change
//! with a file, like the escalation ladder.
//!
//! The result is a *suggestion* per person: when enough of one person's
//! indicators fire, "cyberstalking" is suggested naming that person, their
//! accounts and platforms, the span of their contact and the entries it rests
//! on; the expert group decides and records why (`procedure`). Nothing here
//! decides a case.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::deadline::almaty_date;
use crate::message::Message;
use crate::validation::actor::ActorAccount;
use crate::validation::resource::Platform;

/// What the actor did, as flags the expert set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ContactFlags {
    /// The child did not want the contact (the expert's reading: the child
    /// asked to stop, blocked, or the contact is abuse). Only unwanted contact
    /// counts towards repeated and cross-channel contact.
    pub unwanted: bool,
    /// Shows knowledge of the child's location or routine, shares a location,
    /// or mentions a tracking app — as an expert confirmed it
    /// ([`Sign::Monitoring`]); a lexicon match alone never sets it.
    pub monitoring: bool,
    /// Reaches into offline life: at the school, at the home, in person — as
    /// an expert confirmed it ([`Sign::Offline`]).
    pub offline: bool,
}

/// A sign an expert confirms on one entry of the timeline (`sign_confirmed`),
/// after reading it: the lexicons only propose these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sign {
    /// Monitoring or tracking ([`Indicator::Monitoring`]).
    Monitoring,
    /// Pursuit reaching offline life ([`Indicator::OfflineSpill`]).
    Offline,
}

impl Sign {
    pub const ALL: [Sign; 2] = [Sign::Monitoring, Sign::Offline];

    pub fn as_str(self) -> &'static str {
        match self {
            Sign::Monitoring => "monitoring",
            Sign::Offline => "offline",
        }
    }

    pub fn parse(text: &str) -> Option<Sign> {
        Sign::ALL
            .into_iter()
            .find(|sign| sign.as_str() == text.trim())
    }

    /// Whether `flags` carry this sign.
    pub fn of(self, flags: &ContactFlags) -> bool {
        match self {
            Sign::Monitoring => flags.monitoring,
            Sign::Offline => flags.offline,
        }
    }
}

/// What an entry of the timeline records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// The actor's account contacted the child (a message, a call, a post).
    Contact(ContactFlags),
    /// The child blocked the account.
    Blocked,
    /// The child (or a parent) reported the account to the platform.
    Reported,
}

/// One incident or message towards one child, attributed to an account when
/// the application or the expert named one.
///
/// A timeline holds every entry about one child, from every case and chat
/// that concerns them; the indicators split it by person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// What the entry is, for people and for the explanation: an incident of
    /// a case (`KZ-2025-000012 incident 2`), a chat message (`chat 3 line 40`).
    pub reference: String,
    pub at: Timestamp,
    /// The account's key, normalized ([`ActorAccount::key`]: the same account
    /// written three ways is one key). `None` for an incident that names no
    /// account: shown, but no person's.
    pub account: Option<String>,
    pub platform: Platform,
    /// Where the contact happened on the platform: the chat, group, channel or
    /// post (a resource key, or an export's chat name).
    pub channel: String,
    pub kind: EntryKind,
}

impl TimelineEntry {
    /// An entry about `account`, keyed and placed on its platform by the
    /// actor normalizer.
    pub fn for_account(
        reference: impl Into<String>,
        at: Timestamp,
        account: &ActorAccount,
        channel: impl Into<String>,
        kind: EntryKind,
    ) -> TimelineEntry {
        TimelineEntry {
            reference: reference.into(),
            at,
            account: Some(account.key.clone()),
            platform: account.platform,
            channel: channel.into(),
            kind,
        }
    }

    fn contact(&self) -> Option<ContactFlags> {
        match self.kind {
            EntryKind::Contact(flags) => Some(flags),
            EntryKind::Blocked | EntryKind::Reported => None,
        }
    }
}

/// The thresholds, from the regime file's `[pursuit]` table. `Default` holds
/// the values used when a regime file has no such table (docs/regimes.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PursuitThresholds {
    /// `[pursuit.repeated_contact] min_distinct_days` (default 3): more than
    /// the "two or more times" that makes bullying systematic.
    pub repeated_min_days: u32,
    /// `[pursuit.repeated_contact] within_days` (default 30).
    pub repeated_within_days: u32,
    /// `[pursuit.cross_channel] min_channels` (default 2: "two or more
    /// platforms or channels", issue 7).
    pub cross_channel_min: u32,
    /// `[pursuit.new_accounts] min_accounts` (default 1).
    pub new_accounts_min: u32,
    /// `[pursuit.new_accounts] within_days` (default 30) after the block or report.
    pub new_accounts_within_days: u32,
    /// `[pursuit.monitoring] min_entries` (default 1).
    pub monitoring_min: u32,
    /// `[pursuit.offline] min_entries` (default 1).
    pub offline_min: u32,
    /// `[pursuit.suggestion] min_indicators` (default 2): how many indicators
    /// must fire for "cyberstalking" to be suggested.
    pub suggest_min_indicators: u32,
}

impl Default for PursuitThresholds {
    fn default() -> Self {
        PursuitThresholds {
            repeated_min_days: 3,
            repeated_within_days: 30,
            cross_channel_min: 2,
            new_accounts_min: 1,
            new_accounts_within_days: 30,
            monitoring_min: 1,
            offline_min: 1,
            suggest_min_indicators: 2,
        }
    }
}

/// The five indicators of issue 7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    RepeatedContact,
    CrossChannel,
    NewAccountsAfterBlock,
    Monitoring,
    OfflineSpill,
}

impl Indicator {
    pub const ALL: [Indicator; 5] = [
        Indicator::RepeatedContact,
        Indicator::CrossChannel,
        Indicator::NewAccountsAfterBlock,
        Indicator::Monitoring,
        Indicator::OfflineSpill,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::RepeatedContact => "repeated_contact",
            Indicator::CrossChannel => "cross_channel",
            Indicator::NewAccountsAfterBlock => "new_accounts_after_block",
            Indicator::Monitoring => "monitoring",
            Indicator::OfflineSpill => "offline_spill",
        }
    }

    /// The Fluent message naming the indicator (`locales/*/pursuit.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            Indicator::RepeatedContact => "pursuit-indicator-repeated-contact",
            Indicator::CrossChannel => "pursuit-indicator-cross-channel",
            Indicator::NewAccountsAfterBlock => "pursuit-indicator-new-accounts-after-block",
            Indicator::Monitoring => "pursuit-indicator-monitoring",
            Indicator::OfflineSpill => "pursuit-indicator-offline-spill",
        }
    }
}

/// An indicator that fired for one person, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub indicator: Indicator,
    /// The person ([`Persons::person_of`]) whose entries it counted.
    pub person: String,
    /// What was counted: distinct days, channels, new accounts or entries.
    pub measured: u32,
    /// The threshold it met.
    pub threshold: u32,
    /// Exactly the entries the finding rests on, in time order (their
    /// [`TimelineEntry::reference`]s).
    pub rests_on: Vec<String>,
}

impl Finding {
    /// "Contact on 4 distinct days within 30 days (threshold 3)", etc.
    pub fn explain(&self, thresholds: &PursuitThresholds) -> Message {
        let message = Message::new(match self.indicator {
            Indicator::RepeatedContact => "pursuit-finding-repeated-contact",
            Indicator::CrossChannel => "pursuit-finding-cross-channel",
            Indicator::NewAccountsAfterBlock => "pursuit-finding-new-accounts-after-block",
            Indicator::Monitoring => "pursuit-finding-monitoring",
            Indicator::OfflineSpill => "pursuit-finding-offline-spill",
        })
        .with("measured", i64::from(self.measured))
        .with("threshold", i64::from(self.threshold))
        .with("entries", count(self.rests_on.len()));
        match self.indicator {
            Indicator::RepeatedContact => {
                message.with("within", i64::from(thresholds.repeated_within_days))
            }
            Indicator::NewAccountsAfterBlock => {
                message.with("within", i64::from(thresholds.new_accounts_within_days))
            }
            _ => message,
        }
    }
}

/// The suggestion offered to the expert group: one person's pursuit of the
/// child, with what shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Always [`Category::Cyberstalking`].
    pub category: Category,
    /// The person ([`Persons::person_of`]: the first key of their accounts).
    pub person: String,
    /// The person's accounts that appear in the timeline, in key order.
    pub accounts: Vec<String>,
    /// The platforms of the person's unwanted contact, in [`Platform`] order.
    pub platforms: Vec<Platform>,
    /// The first and the last of the person's unwanted contact.
    pub first_contact: Timestamp,
    pub last_contact: Timestamp,
    /// The indicators that fired for the person, in [`Indicator::ALL`] order.
    pub indicators: Vec<Indicator>,
    /// Every entry those indicators rest on, in time order, once each.
    pub rests_on: Vec<String>,
}

impl Suggestion {
    /// "Suggested category: cyberstalking by telegram:account:x (accounts …)
    /// on instagram, telegram from 2025-03-01 to 2025-03-22 (21 days): 2
    /// indicators …"; a shell lists the indicators by
    /// [`Indicator::message_id`] below it.
    pub fn explain(&self) -> Message {
        let (from, to) = (
            almaty_date(self.first_contact),
            almaty_date(self.last_contact),
        );
        Message::new("pursuit-suggestion")
            .with("count", count(self.indicators.len()))
            .with("person", self.person.as_str())
            .with("accounts", self.accounts.join(", "))
            .with(
                "platforms",
                self.platforms
                    .iter()
                    .map(|platform| platform.slug())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .with("from", from.to_string())
            .with("to", to.to_string())
            .with("days", days_between(from, to))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PursuitAssessment {
    /// The indicators that fired, person by person (in person key order),
    /// each person's in [`Indicator::ALL`] order.
    pub findings: Vec<Finding>,
    /// "Cyberstalking" for each person of whom at least
    /// `suggest_min_indicators` indicators fired: most indicators first, then
    /// the longest-running pursuit, then person key.
    pub suggestions: Vec<Suggestion>,
}

impl PursuitAssessment {
    /// The strongest suggestion, if any.
    pub fn suggestion(&self) -> Option<&Suggestion> {
        self.suggestions.first()
    }
}

/// Which accounts are one person: the pairs experts linked (`actors_linked`),
/// joined transitively (a = b and b = c make one person of a, b and c). An
/// account nobody linked is a person of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Persons {
    /// Account key → the person's key (the smallest account key of the group).
    person: BTreeMap<String, String>,
}

impl Persons {
    pub fn from_links<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Persons {
        let mut groups: Vec<BTreeSet<String>> = Vec::new();
        for (first, second) in pairs {
            let mut merged: BTreeSet<String> = [first.to_owned(), second.to_owned()].into();
            groups.retain(|group| {
                let touches = group.contains(first) || group.contains(second);
                if touches {
                    merged.extend(group.iter().cloned());
                }
                !touches
            });
            groups.push(merged);
        }
        let mut person = BTreeMap::new();
        for group in groups {
            if let Some(key) = group.first().cloned() {
                for account in group {
                    person.insert(account, key.clone());
                }
            }
        }
        Persons { person }
    }

    /// The person an account is: its group's key, or the account itself.
    pub fn person_of<'a>(&'a self, account: &'a str) -> &'a str {
        self.person.get(account).map_or(account, String::as_str)
    }
}

/// Computes every indicator over one child's timeline, each account its own
/// person.
pub fn assess(timeline: &[TimelineEntry], thresholds: &PursuitThresholds) -> PursuitAssessment {
    assess_persons(timeline, &Persons::default(), thresholds)
}

/// Computes every indicator over one child's timeline, with the accounts the
/// experts linked taken as one person. Each person's indicators count only
/// that person's entries; entries with no account count for nobody.
pub fn assess_persons(
    timeline: &[TimelineEntry],
    persons: &Persons,
    thresholds: &PursuitThresholds,
) -> PursuitAssessment {
    let mut entries: Vec<&TimelineEntry> = timeline.iter().collect();
    entries.sort_by(|left, right| (left.at, &left.reference).cmp(&(right.at, &right.reference)));
    let mut by_person: BTreeMap<&str, Vec<&TimelineEntry>> = BTreeMap::new();
    for entry in entries {
        if let Some(account) = &entry.account {
            by_person
                .entry(persons.person_of(account))
                .or_default()
                .push(entry);
        }
    }
    let mut findings = Vec::new();
    let mut suggestions = Vec::new();
    for (person, entries) in by_person {
        let fired: Vec<Finding> = [
            repeated_contact(person, &entries, thresholds),
            cross_channel(person, &entries, thresholds),
            new_accounts_after_block(person, &entries, thresholds),
            flagged(
                person,
                &entries,
                Indicator::Monitoring,
                thresholds.monitoring_min,
                |flags| flags.monitoring,
            ),
            flagged(
                person,
                &entries,
                Indicator::OfflineSpill,
                thresholds.offline_min,
                |flags| flags.offline,
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        let enough =
            !fired.is_empty() && count(fired.len()) >= i64::from(thresholds.suggest_min_indicators);
        if enough {
            suggestions.extend(suggest(person, &entries, &fired));
        }
        findings.extend(fired);
    }
    suggestions.sort_by(|left, right| {
        let span = |suggestion: &Suggestion| {
            suggestion
                .last_contact
                .duration_since(suggestion.first_contact)
        };
        right
            .indicators
            .len()
            .cmp(&left.indicators.len())
            .then_with(|| span(right).cmp(&span(left)))
            .then_with(|| left.person.cmp(&right.person))
    });
    PursuitAssessment {
        findings,
        suggestions,
    }
}

/// The suggestion about one person, from their entries and what fired;
/// `None` if they made no unwanted contact (nothing to suggest about).
fn suggest(person: &str, entries: &[&TimelineEntry], fired: &[Finding]) -> Option<Suggestion> {
    let contact: Vec<&TimelineEntry> = unwanted(entries).collect();
    let first_contact = contact.iter().map(|entry| entry.at).min()?;
    let last_contact = contact.iter().map(|entry| entry.at).max()?;
    let rests_on: BTreeSet<&str> = fired
        .iter()
        .flat_map(|finding| finding.rests_on.iter().map(String::as_str))
        .collect();
    Some(Suggestion {
        category: Category::Cyberstalking,
        person: person.to_owned(),
        accounts: entries
            .iter()
            .filter_map(|entry| entry.account.clone())
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect(),
        platforms: contact
            .iter()
            .map(|entry| entry.platform)
            .collect::<BTreeSet<Platform>>()
            .into_iter()
            .collect(),
        first_contact,
        last_contact,
        indicators: fired.iter().map(|finding| finding.indicator).collect(),
        // In time order, as the entries are.
        rests_on: entries
            .iter()
            .filter(|entry| rests_on.contains(entry.reference.as_str()))
            .map(|entry| entry.reference.clone())
            .collect(),
    })
}

fn count(length: usize) -> i64 {
    i64::try_from(length).unwrap_or(i64::MAX)
}

fn count_u32(length: usize) -> u32 {
    u32::try_from(length).unwrap_or(u32::MAX)
}

fn unwanted<'e>(entries: &[&'e TimelineEntry]) -> impl Iterator<Item = &'e TimelineEntry> {
    entries
        .iter()
        .copied()
        .filter(|entry| entry.contact().is_some_and(|flags| flags.unwanted))
}

/// The window of `within_days` calendar days holding the most distinct days of
/// one person's unwanted contact (the earliest such window); it fires at
/// `min_days`.
fn repeated_contact(
    person: &str,
    entries: &[&TimelineEntry],
    thresholds: &PursuitThresholds,
) -> Option<Finding> {
    let minimum = thresholds.repeated_min_days.max(1);
    let within = i64::from(thresholds.repeated_within_days.max(1));
    let days: Vec<Date> = unwanted(entries)
        .map(|entry| almaty_date(entry.at))
        .collect::<BTreeSet<Date>>()
        .into_iter()
        .collect();
    let mut best: Option<(usize, usize)> = None;
    let mut end = 0;
    for start in 0..days.len() {
        end = end.max(start);
        while end + 1 < days.len() && days_between(days[start], days[end + 1]) < within {
            end += 1;
        }
        if best.is_none_or(|(best_start, best_end)| end - start > best_end - best_start) {
            best = Some((start, end));
        }
    }
    let (start, end) = best?;
    let distinct = count_u32(end - start + 1);
    if distinct < minimum {
        return None;
    }
    let (first, last) = (days[start], days[end]);
    let rests_on = unwanted(entries)
        .filter(|entry| (first..=last).contains(&almaty_date(entry.at)))
        .map(|entry| entry.reference.clone())
        .collect();
    Some(Finding {
        indicator: Indicator::RepeatedContact,
        person: person.to_owned(),
        measured: distinct,
        threshold: minimum,
        rests_on,
    })
}

fn days_between(from: Date, to: Date) -> i64 {
    i64::from(to.since(from).map_or(i32::MAX, |span| span.get_days()))
}

/// One person's unwanted contact over `min` platforms or channels; rests on
/// the first contact in each channel.
fn cross_channel(
    person: &str,
    entries: &[&TimelineEntry],
    thresholds: &PursuitThresholds,
) -> Option<Finding> {
    let minimum = thresholds.cross_channel_min.max(2);
    let mut first_in_channel: BTreeMap<(Platform, &str), &TimelineEntry> = BTreeMap::new();
    for entry in unwanted(entries) {
        first_in_channel
            .entry((entry.platform, entry.channel.as_str()))
            .or_insert(entry);
    }
    let channels = count_u32(first_in_channel.len());
    if channels < minimum {
        return None;
    }
    let mut firsts: Vec<&TimelineEntry> = first_in_channel.into_values().collect();
    firsts.sort_by(|left, right| (left.at, &left.reference).cmp(&(right.at, &right.reference)));
    Some(Finding {
        indicator: Indicator::CrossChannel,
        person: person.to_owned(),
        measured: channels,
        threshold: minimum,
        rests_on: firsts.iter().map(|entry| entry.reference.clone()).collect(),
    })
}

/// One person's accounts whose first contact comes after the child blocked or
/// reported another of the person's accounts, within `within_days`: an
/// account nobody linked to the blocked one is another person, not a new
/// account of this one. Rests on each block/report that is followed by a new
/// account, and on each new account's first contact.
fn new_accounts_after_block(
    person: &str,
    entries: &[&TimelineEntry],
    thresholds: &PursuitThresholds,
) -> Option<Finding> {
    let minimum = thresholds.new_accounts_min.max(1);
    let within = jiff::SignedDuration::from_hours(
        24 * i64::from(thresholds.new_accounts_within_days.max(1)),
    );
    // The first contact of every account.
    let mut first_contact: BTreeMap<&str, &TimelineEntry> = BTreeMap::new();
    for entry in entries.iter().filter(|entry| entry.contact().is_some()) {
        if let Some(account) = &entry.account {
            first_contact.entry(account.as_str()).or_insert(entry);
        }
    }
    let blocks: Vec<&TimelineEntry> = entries
        .iter()
        .copied()
        .filter(|entry| matches!(entry.kind, EntryKind::Blocked | EntryKind::Reported))
        .collect();
    let mut rests_on: Vec<&TimelineEntry> = Vec::new();
    let mut new_accounts: BTreeSet<&str> = BTreeSet::new();
    for block in &blocks {
        for (account, first) in &first_contact {
            let after = first.at > block.at
                && first.at.duration_since(block.at) <= within
                && Some(*account) != block.account.as_deref();
            if after {
                new_accounts.insert(account);
                if !rests_on.contains(block) {
                    rests_on.push(block);
                }
                if !rests_on.contains(first) {
                    rests_on.push(first);
                }
            }
        }
    }
    let measured = count_u32(new_accounts.len());
    if measured < minimum {
        return None;
    }
    rests_on.sort_by(|left, right| (left.at, &left.reference).cmp(&(right.at, &right.reference)));
    Some(Finding {
        indicator: Indicator::NewAccountsAfterBlock,
        person: person.to_owned(),
        measured,
        threshold: minimum,
        rests_on: rests_on
            .iter()
            .map(|entry| entry.reference.clone())
            .collect(),
    })
}

/// One person's contact entries with a confirmed sign, at least `minimum`.
fn flagged(
    person: &str,
    entries: &[&TimelineEntry],
    indicator: Indicator,
    minimum: u32,
    flag: impl Fn(&ContactFlags) -> bool,
) -> Option<Finding> {
    let minimum = minimum.max(1);
    let rests_on: Vec<String> = entries
        .iter()
        .filter(|entry| entry.contact().is_some_and(|flags| flag(&flags)))
        .map(|entry| entry.reference.clone())
        .collect();
    let measured = count_u32(rests_on.len());
    (measured >= minimum).then(|| Finding {
        indicator,
        person: person.to_owned(),
        measured,
        threshold: minimum,
        rests_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// Noon, Almaty time, on 2025-03-`day`.
    fn on(day: i8) -> Timestamp {
        crate::deadline::start_of_day(date(2025, 3, day))
            .checked_add(jiff::SignedDuration::from_hours(12))
            .expect("a time in 2025")
    }

    fn contact(reference: &str, day: i8, account: &str, channel: &str) -> TimelineEntry {
        TimelineEntry {
            reference: reference.to_owned(),
            at: on(day),
            account: Some(account.to_owned()),
            platform: Platform::Telegram,
            channel: channel.to_owned(),
            kind: EntryKind::Contact(ContactFlags {
                unwanted: true,
                ..ContactFlags::default()
            }),
        }
    }

    fn with(mut entry: TimelineEntry, flags: ContactFlags) -> TimelineEntry {
        entry.kind = EntryKind::Contact(flags);
        entry
    }

    /// The findings as `(indicator, rests_on)`.
    fn check(
        timeline: &[TimelineEntry],
        thresholds: &PursuitThresholds,
        expected: &[(Indicator, &[&str])],
    ) {
        let assessment = assess(timeline, thresholds);
        let actual: Vec<(Indicator, Vec<&str>)> = assessment
            .findings
            .iter()
            .map(|finding| {
                (
                    finding.indicator,
                    finding.rests_on.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let expected: Vec<(Indicator, Vec<&str>)> = expected
            .iter()
            .map(|(indicator, rests_on)| (*indicator, rests_on.to_vec()))
            .collect();
        assert_eq!(actual, expected);
    }

    /// One indicator's finding only: `None` when it stays quiet.
    fn check_indicator(
        timeline: &[TimelineEntry],
        thresholds: &PursuitThresholds,
        indicator: Indicator,
        expected: Option<&[&str]>,
    ) {
        let assessment = assess(timeline, thresholds);
        let actual = assessment
            .findings
            .iter()
            .find(|finding| finding.indicator == indicator)
            .map(|finding| {
                finding
                    .rests_on
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
            });
        assert_eq!(actual, expected.map(<[&str]>::to_vec), "{indicator:?}");
    }

    fn defaults() -> PursuitThresholds {
        PursuitThresholds::default()
    }

    #[test]
    fn repeated_contact_fires_on_three_days_and_not_two() {
        let three_days = [
            contact("a", 1, "telegram:account:x", "dm"),
            contact("b", 1, "telegram:account:x", "dm"),
            contact("c", 10, "telegram:account:x", "dm"),
            contact("d", 30, "telegram:account:x", "dm"),
        ];
        check(
            &three_days,
            &defaults(),
            &[(Indicator::RepeatedContact, &["a", "b", "c", "d"])],
        );
        // One incident short: two distinct days (two messages on one day count once).
        check(&three_days[..3], &defaults(), &[]);
        // Outside the window: days 1, 10 and 31 span 31 days (> 30).
        let spread = [
            contact("a", 1, "telegram:account:x", "dm"),
            contact("c", 10, "telegram:account:x", "dm"),
            contact("e", 31, "telegram:account:x", "dm"),
        ];
        check(&spread, &defaults(), &[]);
        // Wanted contact does not count.
        let mut wanted = three_days.to_vec();
        wanted[3] = with(wanted[3].clone(), ContactFlags::default());
        check(&wanted, &defaults(), &[]);
    }

    #[test]
    fn repeated_contact_names_only_the_densest_window() {
        let timeline = [
            contact("early", 1, "telegram:account:x", "dm"),
            contact("a", 20, "telegram:account:x", "dm"),
            contact("b", 21, "telegram:account:x", "dm"),
            contact("c", 22, "telegram:account:x", "dm"),
        ];
        let thresholds = PursuitThresholds {
            repeated_within_days: 7,
            ..defaults()
        };
        check(
            &timeline,
            &thresholds,
            &[(Indicator::RepeatedContact, &["a", "b", "c"])],
        );
    }

    /// The findings as `(indicator, rests_on)`, with `links` as one person.
    fn check_linked(
        timeline: &[TimelineEntry],
        links: &[(&str, &str)],
        expected: &[(Indicator, &[&str])],
    ) {
        let persons = Persons::from_links(links.iter().copied());
        let actual: Vec<(Indicator, Vec<String>)> = assess_persons(timeline, &persons, &defaults())
            .findings
            .into_iter()
            .map(|finding| (finding.indicator, finding.rests_on))
            .collect();
        let expected: Vec<(Indicator, Vec<String>)> = expected
            .iter()
            .map(|(indicator, rests_on)| {
                (
                    *indicator,
                    rests_on.iter().map(|entry| entry.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(actual, expected);
    }

    #[test]
    fn cross_channel_fires_for_one_person_on_two_platforms_and_not_two_people() {
        let mut instagram = contact("b", 2, "instagram:account:x", "dm");
        instagram.platform = Platform::Instagram;
        let timeline = [
            contact("a", 1, "telegram:account:x", "dm"),
            contact("a2", 1, "telegram:account:x", "dm"),
            instagram,
        ];
        // Two accounts are two actors: one channel each.
        check(&timeline, &defaults(), &[]);
        // Linked as one person, they are one actor on two platforms.
        let linked = [("instagram:account:x", "telegram:account:x")];
        check_linked(
            &timeline,
            &linked,
            &[(Indicator::CrossChannel, &["a", "b"])],
        );
        // One short: the linked person wrote on one platform only.
        check_linked(&timeline[..2], &linked, &[]);
        // A link of other accounts changes nothing.
        check_linked(&timeline, &[("telegram:account:x", "vk:account:z")], &[]);
        // Two channels on one platform count too (a group and a direct chat).
        let channels = [
            contact("a", 1, "telegram:account:x", "dm"),
            contact("b", 2, "telegram:account:x", "class-group"),
        ];
        check(
            &channels,
            &defaults(),
            &[(Indicator::CrossChannel, &["a", "b"])],
        );
    }

    /// One indicator's finding with `links` as one person: `None` when quiet.
    fn check_linked_indicator(
        timeline: &[TimelineEntry],
        links: &[(&str, &str)],
        thresholds: &PursuitThresholds,
        indicator: Indicator,
        expected: Option<&[&str]>,
    ) {
        let persons = Persons::from_links(links.iter().copied());
        let actual = assess_persons(timeline, &persons, thresholds)
            .findings
            .into_iter()
            .find(|finding| finding.indicator == indicator)
            .map(|finding| finding.rests_on);
        let expected = expected.map(|rests_on| {
            rests_on
                .iter()
                .map(|entry| entry.to_string())
                .collect::<Vec<_>>()
        });
        assert_eq!(actual, expected, "{indicator:?}");
    }

    #[test]
    fn new_accounts_after_a_block_fire_and_not_before_it() {
        let block = TimelineEntry {
            kind: EntryKind::Blocked,
            ..contact("blocked", 5, "telegram:account:old", "dm")
        };
        let timeline = [
            contact("old-1", 4, "telegram:account:old", "dm"),
            block.clone(),
            contact("new-1", 6, "telegram:account:new", "dm"),
            contact("new-2", 7, "telegram:account:new", "dm"),
        ];
        let indicator = Indicator::NewAccountsAfterBlock;
        // The new account is the blocked one's person: linked by an expert.
        let linked = [("telegram:account:new", "telegram:account:old")];
        check_linked_indicator(
            &timeline,
            &linked,
            &defaults(),
            indicator,
            Some(&["blocked", "new-1"]),
        );
        // Not linked, the other account is somebody else: a classmate who
        // writes after the child blocked someone is not a new account.
        check_indicator(&timeline, &defaults(), indicator, None);
        // One short: the "new" account already wrote before the block.
        let before = [
            contact("new-0", 3, "telegram:account:new", "dm"),
            contact("old-1", 4, "telegram:account:old", "dm"),
            block.clone(),
            contact("new-1", 6, "telegram:account:new", "dm"),
        ];
        check_linked_indicator(&before, &linked, &defaults(), indicator, None);
        // No block at all: new accounts are just accounts.
        check_linked_indicator(
            &[timeline[0].clone(), timeline[2].clone()],
            &linked,
            &defaults(),
            indicator,
            None,
        );
        // Reported works like blocked; too late does not count.
        let reported = TimelineEntry {
            kind: EntryKind::Reported,
            ..block
        };
        let late = [reported, contact("new-1", 31, "telegram:account:new", "dm")];
        let short_window = PursuitThresholds {
            new_accounts_within_days: 7,
            ..defaults()
        };
        check_linked_indicator(&late, &linked, &short_window, indicator, None);
        check_linked_indicator(
            &late,
            &linked,
            &defaults(),
            indicator,
            Some(&["blocked", "new-1"]),
        );
        // A threshold of two new accounts: one is one short, two fire.
        let two = PursuitThresholds {
            new_accounts_min: 2,
            ..defaults()
        };
        check_linked_indicator(&timeline, &linked, &two, indicator, None);
        let mut third = timeline.to_vec();
        third.push(contact("newer-1", 8, "telegram:account:newer", "dm"));
        check_linked_indicator(
            &third,
            &[
                linked[0],
                ("telegram:account:newer", "telegram:account:old"),
            ],
            &two,
            indicator,
            Some(&["blocked", "new-1", "newer-1"]),
        );
    }

    #[test]
    fn several_classmates_are_not_one_persons_pursuit() {
        // Three classmates, each writing to the child on three days over two
        // channels after the child blocked one of them: as many entries as
        // one stalker would need, but nobody's pursuit.
        let mut timeline = vec![TimelineEntry {
            kind: EntryKind::Blocked,
            ..contact("block", 1, "telegram:account:a", "dm")
        }];
        for (account, channel, days) in [
            ("telegram:account:a", "class-group", [2, 9, 16]),
            ("telegram:account:b", "dm", [3, 10, 17]),
            ("telegram:account:c", "class-group", [4, 11, 18]),
        ] {
            for day in days {
                timeline.push(contact(&format!("{account} {day}"), day, account, channel));
            }
        }
        let mut one_day_each: Vec<TimelineEntry> = timeline
            .iter()
            .filter(|entry| {
                entry.reference.ends_with(" 2")
                    || entry.reference.ends_with(" 10")
                    || entry.reference.ends_with(" 18")
            })
            .cloned()
            .collect();
        one_day_each.insert(0, timeline[0].clone());
        // The three accounts together: three days, two channels, two accounts
        // after a block — yet not one indicator fires, since no person made
        // more than one day or one channel of it.
        check(&one_day_each, &defaults(), &[]);
        // Each classmate on their own three days fires repeated contact for
        // that classmate alone; nothing crosses channels, nothing is "new".
        let assessment = assess(&timeline, &defaults());
        let fired: Vec<(&str, Indicator)> = assessment
            .findings
            .iter()
            .map(|finding| (finding.person.as_str(), finding.indicator))
            .collect();
        assert_eq!(
            fired,
            [
                ("telegram:account:a", Indicator::RepeatedContact),
                ("telegram:account:b", Indicator::RepeatedContact),
                ("telegram:account:c", Indicator::RepeatedContact),
            ]
        );
        assert!(assessment.suggestions.is_empty());
    }

    #[test]
    fn an_incident_naming_no_account_counts_towards_nobody() {
        let unattributed = |reference: &str, day: i8| TimelineEntry {
            account: None,
            ..contact(reference, day, "unused", "https://t.me/class")
        };
        let flagged = ContactFlags {
            unwanted: true,
            monitoring: true,
            offline: true,
        };
        let timeline = [
            with(unattributed("u1", 1), flagged),
            unattributed("u2", 2),
            unattributed("u3", 3),
            contact("a1", 4, "telegram:account:x", "dm"),
            contact("a2", 5, "telegram:account:x", "dm"),
        ];
        // Five days of contact and confirmed signs, but three of them belong
        // to no account: the one person wrote on two days only.
        check(&timeline, &defaults(), &[]);
        // Once the person's third day is there, it fires on theirs alone.
        let mut third = timeline.to_vec();
        third.push(contact("a3", 6, "telegram:account:x", "dm"));
        check(
            &third,
            &defaults(),
            &[(Indicator::RepeatedContact, &["a1", "a2", "a3"])],
        );
    }

    #[test]
    fn monitoring_and_offline_fire_at_their_thresholds() {
        let monitoring = ContactFlags {
            unwanted: true,
            monitoring: true,
            offline: false,
        };
        let offline = ContactFlags {
            unwanted: true,
            monitoring: false,
            offline: true,
        };
        let timeline = [
            with(contact("m1", 1, "telegram:account:x", "dm"), monitoring),
            with(contact("m2", 2, "telegram:account:x", "dm"), monitoring),
            with(contact("o1", 2, "telegram:account:x", "dm"), offline),
        ];
        check(
            &timeline,
            &defaults(),
            &[
                (Indicator::Monitoring, &["m1", "m2"]),
                (Indicator::OfflineSpill, &["o1"]),
            ],
        );
        // One short of a threshold of 2 each.
        let two = PursuitThresholds {
            monitoring_min: 2,
            offline_min: 2,
            ..defaults()
        };
        check(&timeline, &two, &[(Indicator::Monitoring, &["m1", "m2"])]);
        check(&timeline[1..], &two, &[]);
        // Without any flag, both stay quiet.
        check(
            &[contact("a", 1, "telegram:account:x", "dm")],
            &defaults(),
            &[],
        );
    }

    #[test]
    fn links_join_accounts_transitively() {
        let persons = Persons::from_links([("b", "c"), ("x", "y"), ("a", "b"), ("y", "c")]);
        for account in ["a", "b", "c", "x", "y"] {
            assert_eq!(persons.person_of(account), "a", "{account}");
        }
        assert_eq!(persons.person_of("z"), "z");
        assert_eq!(Persons::default().person_of("a"), "a");
    }

    #[test]
    fn a_new_linked_account_after_a_block_fires_and_a_day_early_does_not() {
        let block = TimelineEntry {
            kind: EntryKind::Blocked,
            ..contact("block", 10, "telegram:account:old", "telegram:account:old")
        };
        let mut new_account = contact("new", 11, "instagram:account:new", "dm");
        new_account.platform = Platform::Instagram;
        let timeline = [
            contact("old", 9, "telegram:account:old", "dm"),
            block.clone(),
            new_account.clone(),
        ];
        let linked = [("instagram:account:new", "telegram:account:old")];
        check_linked(
            &timeline,
            &linked,
            &[
                (Indicator::CrossChannel, &["old", "new"]),
                (Indicator::NewAccountsAfterBlock, &["block", "new"]),
            ],
        );
        // One short: the new account wrote the day before the block.
        let mut early = new_account;
        early.at = on(9);
        check_linked(
            &[timeline[0].clone(), block, early],
            &linked,
            &[(Indicator::CrossChannel, &["new", "old"])],
        );
    }

    #[test]
    fn cyberstalking_is_suggested_with_the_indicators_that_fired() {
        let timeline = [
            contact("a", 1, "telegram:account:x", "dm"),
            contact("b", 8, "telegram:account:x", "dm"),
            contact("c", 15, "telegram:account:x", "class-group"),
        ];
        let assessment = assess(&timeline, &defaults());
        assert_eq!(
            assessment.suggestion(),
            Some(&Suggestion {
                category: Category::Cyberstalking,
                person: "telegram:account:x".into(),
                accounts: vec!["telegram:account:x".into()],
                platforms: vec![Platform::Telegram],
                first_contact: on(1),
                last_contact: on(15),
                indicators: vec![Indicator::RepeatedContact, Indicator::CrossChannel],
                rests_on: vec!["a".into(), "b".into(), "c".into()],
            })
        );
        // One indicator is not enough by default.
        let assessment = assess(&timeline[..2], &defaults());
        assert!(assessment.findings.is_empty());
        assert_eq!(assessment.suggestion(), None);
        let assessment = assess(&timeline[1..], &defaults());
        assert_eq!(assessment.findings.len(), 1);
        assert_eq!(assessment.suggestion(), None);
        // The finding explains itself with its numbers.
        let finding = &assess(&timeline, &defaults()).findings[0];
        assert_eq!(
            finding.explain(&defaults()),
            Message::new("pursuit-finding-repeated-contact")
                .with("measured", 3)
                .with("threshold", 3)
                .with("entries", 3)
                .with("within", 30)
        );
    }

    #[test]
    fn the_suggestion_names_the_person_their_platforms_and_the_span() {
        // Three weeks, two platforms, two accounts an expert linked; a
        // classmate's entries in between are not the person's.
        let mut instagram = contact("ig", 22, "instagram:account:y", "dm");
        instagram.platform = Platform::Instagram;
        let timeline = [
            contact("tg1", 1, "telegram:account:x", "dm"),
            contact("classmate", 5, "telegram:account:z", "dm"),
            contact("tg2", 8, "telegram:account:x", "dm"),
            instagram,
        ];
        let persons = Persons::from_links([("telegram:account:x", "instagram:account:y")]);
        let assessment = assess_persons(&timeline, &persons, &defaults());
        assert_eq!(assessment.suggestions.len(), 1);
        let suggestion = &assessment.suggestions[0];
        assert_eq!(suggestion.person, "instagram:account:y");
        assert_eq!(
            suggestion.accounts,
            ["instagram:account:y", "telegram:account:x"]
        );
        assert_eq!(
            suggestion.platforms,
            [Platform::Telegram, Platform::Instagram]
        );
        assert_eq!(suggestion.rests_on, ["tg1", "tg2", "ig"]);
        assert_eq!(
            suggestion.explain(),
            Message::new("pursuit-suggestion")
                .with("count", 2)
                .with("person", "instagram:account:y")
                .with("accounts", "instagram:account:y, telegram:account:x")
                .with("platforms", "telegram, instagram")
                .with("from", "2025-03-01")
                .with("to", "2025-03-22")
                .with("days", 21)
        );
        // Every finding names the person it counted.
        assert!(
            assessment
                .findings
                .iter()
                .all(|finding| finding.person == "instagram:account:y")
        );
    }

    #[test]
    fn one_account_written_three_ways_is_one_account() {
        let spellings = [
            "@Stalker_01",
            "t.me/stalker_01",
            "https://t.me/s/Stalker_01/",
        ];
        let timeline: Vec<TimelineEntry> = spellings
            .iter()
            .enumerate()
            .map(|(index, spelling)| {
                let account = ActorAccount::parse(Platform::Telegram, spelling).expect("parses");
                TimelineEntry::for_account(
                    format!("m{index}"),
                    on(i8::try_from(index).expect("small") + 1),
                    &account,
                    "dm",
                    EntryKind::Contact(ContactFlags {
                        unwanted: true,
                        ..ContactFlags::default()
                    }),
                )
            })
            .collect();
        let accounts: BTreeSet<&str> = timeline
            .iter()
            .filter_map(|entry| entry.account.as_deref())
            .collect();
        assert_eq!(accounts.len(), 1);
        // Three days, one channel, and no "new account" after anything.
        check(
            &timeline,
            &defaults(),
            &[(Indicator::RepeatedContact, &["m0", "m1", "m2"])],
        );
    }

    #[test]
    fn every_message_exists_in_every_language() {
        let files = [
            include_str!("../../../locales/kk/pursuit.ftl"),
            include_str!("../../../locales/ru/pursuit.ftl"),
            include_str!("../../../locales/en/pursuit.ftl"),
        ];
        let thresholds = defaults();
        let mut ids: Vec<&str> = Indicator::ALL
            .iter()
            .map(|indicator| indicator.message_id())
            .collect();
        let suggestion = Suggestion {
            category: Category::Cyberstalking,
            person: "telegram:account:x".into(),
            accounts: vec!["telegram:account:x".into()],
            platforms: vec![Platform::Telegram],
            first_contact: on(1),
            last_contact: on(2),
            indicators: Indicator::ALL.to_vec(),
            rests_on: Vec::new(),
        };
        assert_eq!(suggestion.explain().args.len(), 7);
        ids.push(suggestion.explain().id);
        for indicator in Indicator::ALL {
            let finding = Finding {
                indicator,
                person: "telegram:account:x".into(),
                measured: 1,
                threshold: 1,
                rests_on: Vec::new(),
            };
            ids.push(finding.explain(&thresholds).id);
        }
        for file in files {
            for id in &ids {
                assert!(
                    file.lines()
                        .any(|line| line.starts_with(&format!("{id} ="))),
                    "{id} missing"
                );
            }
        }
    }

    fn handle() -> impl Strategy<Value = String> {
        "@?[A-Za-z][A-Za-z0-9_]{4,20}"
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

        /// The actor normalizer is idempotent: an account parsed again from its
        /// own URL is the same account, so a timeline never splits one actor.
        #[test]
        fn the_actor_normalizer_is_idempotent(
            handle in handle(),
            platform in prop::sample::select(vec![
                Platform::Telegram, Platform::Instagram, Platform::Tiktok,
                Platform::X, Platform::Vk, Platform::Facebook, Platform::Youtube,
            ]),
        ) {
            if let Ok(account) = ActorAccount::parse(platform, &handle) {
                let again = ActorAccount::parse(platform, &account.url);
                prop_assert_eq!(again.as_ref(), Ok(&account));
                let upper = ActorAccount::parse(platform, &account.url.to_uppercase().replace("HTTPS://", "https://"));
                if let Ok(upper) = upper {
                    prop_assert_eq!(upper.key, account.key.clone());
                }
            }
        }

        /// Adding an entry never silences an indicator that fired.
        #[test]
        fn more_entries_never_silence_an_indicator(days in prop::collection::vec(1i8..=28, 1..10), extra in 1i8..=28) {
            let timeline: Vec<TimelineEntry> = days
                .iter()
                .enumerate()
                .map(|(index, day)| contact(&format!("e{index}"), *day, "telegram:account:x", "dm"))
                .collect();
            let before: Vec<Indicator> = assess(&timeline, &defaults()).findings.iter().map(|f| f.indicator).collect();
            let mut longer = timeline.clone();
            longer.push(contact("extra", extra, "telegram:account:y", "group"));
            let after: Vec<Indicator> = assess(&longer, &defaults()).findings.iter().map(|f| f.indicator).collect();
            for indicator in before {
                prop_assert!(after.contains(&indicator));
            }
        }
    }
}
