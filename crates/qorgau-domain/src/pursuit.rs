//! Pursuit indicators: the signs that one actor is stalking one child.
//!
//! PRODUCT.md: cyberstalking is "obsessive, persistent pursuit, tracking or
//! monitoring of a person online (repeated unwanted contact across channels,
//! monitoring software, following into offline life)", and it shows across
//! applications, channels and weeks rather than in one message. Issue 7 names
//! five indicators; each is computed here over a plain timeline and each is
//! **explainable**: it lists exactly the entries it rests on.
//!
//! 1. [`Indicator::RepeatedContact`]: unwanted contact on at least N distinct
//!    days (Almaty dates) within a period of D days;
//! 2. [`Indicator::CrossChannel`]: unwanted contact by one person over at
//!    least M platforms or channels — one account, or accounts the expert
//!    recorded as one person ([`Persons`]); two accounts on two platforms are
//!    two actors until then;
//! 3. [`Indicator::NewAccountsAfterBlock`]: accounts never seen before that
//!    start contact within D days after the child blocked or reported another
//!    of the actor's accounts;
//! 4. [`Indicator::Monitoring`]: contact showing knowledge of the child's
//!    location or routine, location sharing, tracking apps (the `monitoring`
//!    flag — set from signal matches the expert confirmed);
//! 5. [`Indicator::OfflineSpill`]: contact that reaches into offline life
//!    (the `offline` flag).
//!
//! Every threshold is data, in the regime file's `[pursuit]` table
//! ([`PursuitThresholds`], parsed in `regime.rs`), not code: none is law —
//! neither Order comes near stalking — they are Qorgau's policy and change
//! with a file, like the escalation ladder.
//!
//! The result is a *suggestion*: when enough indicators fire, "cyberstalking"
//! is suggested with them; the expert group decides and records why
//! (`procedure`). Nothing here decides a case.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::deadline::almaty_date;
use crate::message::Message;
use crate::validation::actor::ActorAccount;
use crate::validation::resource::Platform;

/// What the actor did, as flags the expert (or a chat's signals) set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ContactFlags {
    /// The child did not want the contact (the expert's reading: the child
    /// asked to stop, blocked, or the contact is abuse). Only unwanted contact
    /// counts towards repeated and cross-channel contact.
    pub unwanted: bool,
    /// Shows knowledge of the child's location or routine, shares a location,
    /// or mentions a tracking app.
    pub monitoring: bool,
    /// Reaches into offline life: at the school, at the home, in person.
    pub offline: bool,
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

/// One incident or message attributed to one actor towards one child.
///
/// A timeline holds the entries of one actor — a person, whose several
/// accounts the expert has linked — towards one child, from every case and
/// chat that concerns them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// What the entry is, for people and for the explanation: an incident of
    /// a case (`KZ-2025-000012 incident 2`), a chat message (`chat 3 line 40`).
    pub reference: String,
    pub at: Timestamp,
    /// The account's key, normalized ([`ActorAccount::key`]: the same account
    /// written three ways is one key).
    pub account: String,
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
            account: account.key.clone(),
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

/// An indicator that fired, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub indicator: Indicator,
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

/// The suggestion offered to the expert group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Always [`Category::Cyberstalking`].
    pub category: Category,
    pub indicators: Vec<Indicator>,
}

impl Suggestion {
    /// "Suggested category: cyberstalking — 2 indicators …"; a shell lists the
    /// indicators by [`Indicator::message_id`] below it.
    pub fn explain(&self) -> Message {
        Message::new("pursuit-suggestion").with("count", count(self.indicators.len()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PursuitAssessment {
    /// The indicators that fired, in [`Indicator::ALL`] order.
    pub findings: Vec<Finding>,
    /// "Cyberstalking", when at least `suggest_min_indicators` fired.
    pub suggestion: Option<Suggestion>,
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
/// experts linked taken as one person.
pub fn assess_persons(
    timeline: &[TimelineEntry],
    persons: &Persons,
    thresholds: &PursuitThresholds,
) -> PursuitAssessment {
    let mut entries: Vec<&TimelineEntry> = timeline.iter().collect();
    entries.sort_by(|left, right| (left.at, &left.reference).cmp(&(right.at, &right.reference)));
    let findings: Vec<Finding> = [
        repeated_contact(&entries, thresholds),
        cross_channel(&entries, persons, thresholds),
        new_accounts_after_block(&entries, thresholds),
        flagged(
            &entries,
            Indicator::Monitoring,
            thresholds.monitoring_min,
            |flags| flags.monitoring,
        ),
        flagged(
            &entries,
            Indicator::OfflineSpill,
            thresholds.offline_min,
            |flags| flags.offline,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let suggestion = (count(findings.len()) >= i64::from(thresholds.suggest_min_indicators)
        && !findings.is_empty())
    .then(|| Suggestion {
        category: Category::Cyberstalking,
        indicators: findings.iter().map(|finding| finding.indicator).collect(),
    });
    PursuitAssessment {
        findings,
        suggestion,
    }
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
/// unwanted contact (the earliest such window); it fires at `min_days`.
fn repeated_contact(entries: &[&TimelineEntry], thresholds: &PursuitThresholds) -> Option<Finding> {
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
        measured: distinct,
        threshold: minimum,
        rests_on,
    })
}

fn days_between(from: Date, to: Date) -> i64 {
    i64::from(to.since(from).map_or(i32::MAX, |span| span.get_days()))
}

/// Unwanted contact by one person over `min` platforms or channels; rests on
/// the first contact in each channel of the person with the most (the first
/// person in key order, on a tie).
fn cross_channel(
    entries: &[&TimelineEntry],
    persons: &Persons,
    thresholds: &PursuitThresholds,
) -> Option<Finding> {
    let minimum = thresholds.cross_channel_min.max(2);
    type Channels<'e> = BTreeMap<(Platform, &'e str), &'e TimelineEntry>;
    let mut by_person: BTreeMap<&str, Channels<'_>> = BTreeMap::new();
    for entry in unwanted(entries) {
        by_person
            .entry(persons.person_of(&entry.account))
            .or_default()
            .entry((entry.platform, entry.channel.as_str()))
            .or_insert(entry);
    }
    let mut first_in_channel: Channels<'_> = BTreeMap::new();
    for channels in by_person.into_values() {
        if channels.len() > first_in_channel.len() {
            first_in_channel = channels;
        }
    }
    let channels = count_u32(first_in_channel.len());
    if channels < minimum {
        return None;
    }
    let mut firsts: Vec<&TimelineEntry> = first_in_channel.into_values().collect();
    firsts.sort_by(|left, right| (left.at, &left.reference).cmp(&(right.at, &right.reference)));
    Some(Finding {
        indicator: Indicator::CrossChannel,
        measured: channels,
        threshold: minimum,
        rests_on: firsts.iter().map(|entry| entry.reference.clone()).collect(),
    })
}

/// Accounts whose first contact comes after the child blocked or reported
/// another account, within `within_days`. Rests on each block/report that is
/// followed by a new account, and on each new account's first contact.
fn new_accounts_after_block(
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
        first_contact.entry(entry.account.as_str()).or_insert(entry);
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
                && *account != block.account.as_str();
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
        measured,
        threshold: minimum,
        rests_on: rests_on
            .iter()
            .map(|entry| entry.reference.clone())
            .collect(),
    })
}

/// Contact entries with a flag, at least `minimum` of them.
fn flagged(
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
    (measured >= minimum).then_some(Finding {
        indicator,
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
            account: account.to_owned(),
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
        check_indicator(
            &timeline,
            &defaults(),
            indicator,
            Some(&["blocked", "new-1"]),
        );
        // One short: the "new" account already wrote before the block.
        let before = [
            contact("new-0", 3, "telegram:account:new", "dm"),
            contact("old-1", 4, "telegram:account:old", "dm"),
            block.clone(),
            contact("new-1", 6, "telegram:account:new", "dm"),
        ];
        check_indicator(&before, &defaults(), indicator, None);
        // No block at all: new accounts are just accounts.
        check_indicator(
            &[timeline[0].clone(), timeline[2].clone()],
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
        check_indicator(&late, &short_window, indicator, None);
        check_indicator(&late, &defaults(), indicator, Some(&["blocked", "new-1"]));
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
            assessment.suggestion,
            Some(Suggestion {
                category: Category::Cyberstalking,
                indicators: vec![Indicator::RepeatedContact, Indicator::CrossChannel],
            })
        );
        // One indicator is not enough by default.
        let assessment = assess(&timeline[..2], &defaults());
        assert!(assessment.findings.is_empty());
        assert_eq!(assessment.suggestion, None);
        let assessment = assess(&timeline[1..], &defaults());
        assert_eq!(assessment.findings.len(), 1);
        assert_eq!(assessment.suggestion, None);
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
            .map(|entry| entry.account.as_str())
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
            indicators: Indicator::ALL.to_vec(),
        };
        assert_eq!(
            suggestion.explain(),
            Message::new("pursuit-suggestion").with("count", 5)
        );
        ids.push(suggestion.explain().id);
        for indicator in Indicator::ALL {
            let finding = Finding {
                indicator,
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
