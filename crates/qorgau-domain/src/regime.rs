//! Legal regimes as data.
//!
//! The procedure's numbers (deadlines, the expert group's decision rule) and the
//! legal bases that decisions, orders, refusals and letters cite change when the
//! law changes: Order No. 365 (2022, under Art. 18-4 of the 1999 Law "On mass
//! media") was replaced on 28 January 2025 by Order No. 562-НҚ (under Art. 40 of
//! the 2024 Law "On mass media"). Each such set of rules is a *regime*, one TOML
//! file in `data/regimes/`, embedded at build time. A case is handled under the
//! regime in force on its date of receipt. The next amendment is a new file,
//! never a code change. `docs/regimes.md` describes the file format and where
//! every value comes from.
//!
//! Loading is strict: the regimes must tile time without gaps or overlaps, every
//! regime must provide the legal bases the procedure cites
//! ([`REQUIRED_LEGAL_BASES`]), escalation steps may only cite bases that exist,
//! and unknown keys are rejected (a misspelt key must not silently fall back to
//! nothing). Every error names the file and the field.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use crate::category::Category;
use crate::message::{Explain, Language, Message};
use crate::pursuit::PursuitThresholds;

/// The legal-basis keys every regime must provide: what the procedure cites.
///
/// - `application`: the right to apply and the form of the application;
/// - `resource_required`: refusal when no Internet resource is named;
/// - `not_a_child`: refusal when the person concerned is not a child;
/// - `applicant_fields`: what an application must contain;
/// - `bullying_definition`: what bullying and cyberbullying are;
/// - `expert_group`: who considers the application, and within what time;
/// - `decision`: the expert group's decision (confirmed / not confirmed);
/// - `order`: the order to the owner of the Internet resource;
/// - `removal`: the owner's duty to remove within the deadline;
/// - `response`: the response to the applicant, its deadline and language;
/// - `referral`: referral to law enforcement on signs of a crime;
/// - `bullying_offence`: the administrative offence of bullying a minor.
///
/// `extension` is required too when the regime allows extending the decision
/// deadline ([`EXTENSION_LEGAL_BASIS`]).
pub const REQUIRED_LEGAL_BASES: &[&str] = &[
    "application",
    "resource_required",
    "not_a_child",
    "applicant_fields",
    "bullying_definition",
    "expert_group",
    "decision",
    "order",
    "removal",
    "response",
    "referral",
    "bullying_offence",
];

/// The legal basis cited by an extension notice; required exactly when the
/// regime allows an extension.
pub const EXTENSION_LEGAL_BASIS: &str = "extension";

/// A text in the three languages Qorgau speaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub kk: String,
    pub ru: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::Kk => &self.kk,
            Language::Ru => &self.ru,
            Language::En => &self.en,
        }
    }
}

/// The procedure's deadlines under one regime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    /// The expert group considers the application within this many working days
    /// of its receipt.
    pub decision_working_days: u32,
    /// The decision deadline may be extended to at most this many calendar days
    /// (counted from receipt); `None` when the regime allows no extension.
    pub extension_max_calendar_days: Option<u32>,
    /// The applicant is told of an extension within this many working days of
    /// it; `None` when the regime allows no extension.
    pub extension_notice_working_days: Option<u32>,
    /// The applicant receives a response within this many working days of receipt.
    pub response_working_days: u32,
    /// The owner removes the content within this many hours of receiving the order.
    pub removal_hours: u32,
}

/// A step of the escalation ladder for an order not complied with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationKind {
    Reminder,
    RepeatedOrder,
    AdministrativeOffence,
    AccessRestrictionRequest,
}

impl EscalationKind {
    pub const ALL: [EscalationKind; 4] = [
        EscalationKind::Reminder,
        EscalationKind::RepeatedOrder,
        EscalationKind::AdministrativeOffence,
        EscalationKind::AccessRestrictionRequest,
    ];

    /// The name used in regime files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationKind::Reminder => "reminder",
            EscalationKind::RepeatedOrder => "repeated_order",
            EscalationKind::AdministrativeOffence => "administrative_offence",
            EscalationKind::AccessRestrictionRequest => "access_restriction_request",
        }
    }

    fn from_name(name: &str) -> Option<EscalationKind> {
        EscalationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// One rung of the escalation ladder. The ladder is Qorgau's configurable policy
/// (PRODUCT.md); whether a step rests on law or only on policy is the
/// [`Nature`] of the legal basis it cites ([`Regime::step_nature`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationStep {
    pub kind: EscalationKind,
    /// Hours after the removal deadline passes unmet.
    pub after_hours: u32,
    /// The key of the legal basis the step cites ([`Regime::legal_basis`]).
    pub legal_basis: String,
    /// For an administrative offence: the fine sought, in monthly calculation
    /// indices (MCI, `crate::mci`). Stated only where the article is confirmed
    /// (`confirmed = true`); without it the step's record says that the body
    /// hearing the case sets the fine, and invents none.
    pub fine_mci: Option<u32>,
    /// Whether what the step states (its fine) was checked against the law.
    /// An `administrative_offence` step that is not must say why in `note`.
    pub confirmed: bool,
    /// What was and was not confirmed, and where from.
    pub note: Option<String>,
}

/// What a document cites: the citation ("Law … Art. 40(1)") and a short
/// statement of the rule, in the three languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasis {
    pub citation: Localized,
    pub text: Localized,
}

/// Whether a basis is law or Qorgau's own policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// A rule of law: a statute, a code or the minister's order.
    Law,
    /// Qorgau's configurable policy, with no rule of law behind it.
    Policy,
}

/// A legal basis with its provenance, as recorded in the regime file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasisEntry {
    pub basis: LegalBasis,
    pub nature: Nature,
    /// `true` only when the citation, down to the article and paragraph, was
    /// checked against the text of the act. `false` means the rule is known (from
    /// the sources in `note`) but its exact place in the act is not confirmed.
    pub confirmed: bool,
    /// What was checked, what was not, and where from.
    pub note: Option<String>,
    /// Where the act can be read.
    pub source: Option<String>,
    /// When the rule took effect, if later than the regime itself (e.g. Art. 127-2
    /// of the Administrative Offences Code, in force since 16 June 2024, inside
    /// the Order No. 365 regime).
    pub in_force_from: Option<Date>,
}

impl LegalBasisEntry {
    /// Whether the rule was in force on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.in_force_from.is_none_or(|from| from <= date)
    }
}

/// Who may extend the decision deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionAuthority {
    Chair,
    DeputyChair,
}

impl ExtensionAuthority {
    fn from_name(name: &str) -> Option<ExtensionAuthority> {
        match name {
            "chair" => Some(ExtensionAuthority::Chair),
            "deputy_chair" => Some(ExtensionAuthority::DeputyChair),
            _ => None,
        }
    }
}

/// The quorum: a fraction of the group's members (not of those invited).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quorum {
    pub numerator: u32,
    pub denominator: u32,
}

impl Quorum {
    /// The fewest members present for a quorum: "at least two thirds" of 7 is 5.
    pub fn required(self, group_size: u32) -> u32 {
        let numerator = u64::from(group_size) * u64::from(self.numerator);
        let denominator = u64::from(self.denominator.max(1));
        let required = numerator.div_ceil(denominator);
        u32::try_from(required).unwrap_or(u32::MAX)
    }
}

impl fmt::Display for Quorum {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.numerator, self.denominator)
    }
}

/// Of what a majority is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MajorityBasis {
    /// More than half of the votes cast.
    VotesCast,
    /// More than half of the members present (an abstention counts against).
    MembersPresent,
}

/// What a tie decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieBreak {
    /// The presiding member's vote decides ("при равенстве голосов голос
    /// председательствующего является решающим").
    ChairCastingVote,
    /// A tie is no majority: the facts are not confirmed.
    NotConfirmed,
}

/// How the expert group decides. Every part is configurable in the regime file,
/// because none of it could be confirmed from the orders' text (docs/regimes.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRule {
    pub quorum: Quorum,
    pub majority_of: MajorityBasis,
    pub tie_break: TieBreak,
    /// Whether the rule was checked against the order's text.
    pub confirmed: bool,
    pub note: Option<String>,
}

/// One member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CastVote {
    /// `true`: the facts of cyberbullying are confirmed.
    pub confirm: bool,
    /// Cast by the member presiding (the chair, or the deputy in the chair's
    /// absence).
    pub by_chair: bool,
    /// The member's view of the category; ignored on the losing side.
    pub category: Category,
}

/// The group's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupDecision {
    pub confirmed: bool,
    /// [`Category::None`] when not confirmed.
    pub category: Category,
    pub votes_for: u32,
    pub votes_against: u32,
    pub chair_casting_vote_used: bool,
}

/// The votes do not make a decision under the rule; each variant says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRuleNotMet {
    #[error("quorum not reached: {present} of {required}")]
    NoQuorum { present: u32, required: u32 },
    #[error("no votes were recorded")]
    NoVotes,
    #[error("the expert group has no members")]
    EmptyGroup,
    #[error("{votes} votes recorded but only {present} members present")]
    MoreVotesThanPresent { votes: u32, present: u32 },
    #[error("{present} members recorded as present in a group of {group_size}")]
    MorePresentThanMembers { present: u32, group_size: u32 },
    #[error("{count} votes are marked as the chair's; at most one may be")]
    SeveralChairVotes { count: u32 },
    #[error("tie ({votes_each} to {votes_each}) and the chair's casting vote was not recorded")]
    TieWithoutChairVote { votes_each: u32 },
}

impl Explain for DecisionRuleNotMet {
    fn code(&self) -> &'static str {
        match self {
            DecisionRuleNotMet::NoQuorum { .. } => "decision_no_quorum",
            DecisionRuleNotMet::NoVotes => "decision_no_votes",
            DecisionRuleNotMet::EmptyGroup => "decision_empty_group",
            DecisionRuleNotMet::MoreVotesThanPresent { .. } => "decision_votes_exceed_attendance",
            DecisionRuleNotMet::MorePresentThanMembers { .. } => {
                "decision_attendance_exceeds_group"
            }
            DecisionRuleNotMet::SeveralChairVotes { .. } => "decision_several_chair_votes",
            DecisionRuleNotMet::TieWithoutChairVote { .. } => "decision_tie_without_chair_vote",
        }
    }

    fn explain(&self) -> Message {
        match *self {
            DecisionRuleNotMet::NoQuorum { present, required } => {
                Message::new("decision-rule-no-quorum")
                    .with("present", i64::from(present))
                    .with("required", i64::from(required))
            }
            DecisionRuleNotMet::NoVotes => Message::new("decision-rule-no-votes"),
            DecisionRuleNotMet::EmptyGroup => Message::new("decision-rule-empty-group"),
            DecisionRuleNotMet::MoreVotesThanPresent { votes, present } => {
                Message::new("decision-rule-votes-exceed-attendance")
                    .with("votes", i64::from(votes))
                    .with("present", i64::from(present))
            }
            DecisionRuleNotMet::MorePresentThanMembers {
                present,
                group_size,
            } => Message::new("decision-rule-attendance-exceeds-group")
                .with("present", i64::from(present))
                .with("members", i64::from(group_size)),
            DecisionRuleNotMet::SeveralChairVotes { count } => {
                Message::new("decision-rule-several-chair-votes").with("count", i64::from(count))
            }
            DecisionRuleNotMet::TieWithoutChairVote { votes_each } => {
                Message::new("decision-rule-tie-without-chair-vote")
                    .with("votes", i64::from(votes_each))
            }
        }
    }
}

impl DecisionRule {
    /// Decides from the votes of the members present, every present member
    /// voting (a [`CastVote`] cannot abstain).
    pub fn apply(
        &self,
        group_size: u32,
        votes: &[CastVote],
    ) -> Result<GroupDecision, DecisionRuleNotMet> {
        let votes_cast = count(votes.len());
        self.apply_with_attendance(group_size, votes_cast, votes)
    }

    /// Decides when `members_present` may exceed the votes cast (abstentions).
    ///
    /// The decision's category is the most common category among the votes on
    /// the winning side, ties broken by severity (criminal > cyberstalking >
    /// cyberbullying); votes without a category are not counted, and a confirmed
    /// decision where no winning vote named one is cyberbullying, the procedure's
    /// subject. Not confirmed → [`Category::None`].
    pub fn apply_with_attendance(
        &self,
        group_size: u32,
        members_present: u32,
        votes: &[CastVote],
    ) -> Result<GroupDecision, DecisionRuleNotMet> {
        if group_size == 0 {
            return Err(DecisionRuleNotMet::EmptyGroup);
        }
        if votes.is_empty() {
            return Err(DecisionRuleNotMet::NoVotes);
        }
        let votes_cast = count(votes.len());
        if votes_cast > members_present {
            return Err(DecisionRuleNotMet::MoreVotesThanPresent {
                votes: votes_cast,
                present: members_present,
            });
        }
        if members_present > group_size {
            return Err(DecisionRuleNotMet::MorePresentThanMembers {
                present: members_present,
                group_size,
            });
        }
        let chair_votes: Vec<&CastVote> = votes.iter().filter(|vote| vote.by_chair).collect();
        if chair_votes.len() > 1 {
            return Err(DecisionRuleNotMet::SeveralChairVotes {
                count: count(chair_votes.len()),
            });
        }
        let required = self.quorum.required(group_size);
        if members_present < required {
            return Err(DecisionRuleNotMet::NoQuorum {
                present: members_present,
                required,
            });
        }

        let votes_for = count(votes.iter().filter(|vote| vote.confirm).count());
        let votes_against = votes_cast - votes_for;
        let majority_base = match self.majority_of {
            MajorityBasis::VotesCast => votes_cast,
            MajorityBasis::MembersPresent => members_present,
        };
        let (confirmed, chair_casting_vote_used) =
            if u64::from(votes_for) * 2 > u64::from(majority_base) {
                (true, false)
            } else if votes_for == votes_against {
                match (self.tie_break, chair_votes.first()) {
                    (TieBreak::NotConfirmed, _) => (false, false),
                    (TieBreak::ChairCastingVote, Some(chair_vote)) => (chair_vote.confirm, true),
                    (TieBreak::ChairCastingVote, None) => {
                        return Err(DecisionRuleNotMet::TieWithoutChairVote {
                            votes_each: votes_for,
                        });
                    }
                }
            } else {
                (false, false)
            };

        let category = if confirmed {
            winning_category(
                votes
                    .iter()
                    .filter(|vote| vote.confirm)
                    .map(|vote| vote.category),
            )
        } else {
            Category::None
        };
        Ok(GroupDecision {
            confirmed,
            category,
            votes_for,
            votes_against,
            chair_casting_vote_used,
        })
    }
}

fn count(length: usize) -> u32 {
    u32::try_from(length).unwrap_or(u32::MAX)
}

/// The most common category, ties to the graver one; cyberbullying when none.
fn winning_category(categories: impl Iterator<Item = Category>) -> Category {
    let mut tally: BTreeMap<u8, (Category, u32)> = BTreeMap::new();
    for category in categories.filter(|category| *category != Category::None) {
        tally.entry(category.severity()).or_insert((category, 0)).1 += 1;
    }
    tally
        .values()
        .max_by_key(|(category, votes)| (*votes, category.severity()))
        .map_or(Category::Cyberbullying, |(category, _)| *category)
}

/// The rules in force over one period.
#[derive(Debug, Clone)]
pub struct Regime {
    pub id: String,
    pub title: Localized,
    pub effective_from: Date,
    /// The last day in force, inclusive; `None` while in force.
    pub effective_until: Option<Date>,
    pub authorized_body: Localized,
    pub deadlines: Deadlines,
    pub decision_rule: DecisionRule,
    /// Ordered by `after_hours`.
    pub escalation: Vec<EscalationStep>,
    /// The thresholds of the pursuit indicators (`[pursuit]`; Qorgau's policy,
    /// defaults when the file has no table: [`PursuitThresholds::default`]).
    pub pursuit: PursuitThresholds,
    extension_granted_by: Vec<ExtensionAuthority>,
    legal_bases: BTreeMap<String, LegalBasisEntry>,
    sources: Vec<String>,
    file: String,
}

impl Regime {
    /// The legal basis cited under `key` (see [`REQUIRED_LEGAL_BASES`]).
    pub fn legal_basis(&self, key: &str) -> Option<&LegalBasis> {
        self.legal_bases.get(key).map(|entry| &entry.basis)
    }

    /// The legal basis under `key` if it was in force on `date`.
    pub fn legal_basis_on(&self, key: &str, date: Date) -> Option<&LegalBasis> {
        self.legal_bases
            .get(key)
            .filter(|entry| entry.in_force_on(date))
            .map(|entry| &entry.basis)
    }

    /// The legal basis with its provenance (confirmed, note, source).
    pub fn legal_basis_entry(&self, key: &str) -> Option<&LegalBasisEntry> {
        self.legal_bases.get(key)
    }

    /// Every legal basis, by key.
    pub fn legal_bases(&self) -> impl Iterator<Item = (&str, &LegalBasisEntry)> {
        self.legal_bases
            .iter()
            .map(|(key, entry)| (key.as_str(), entry))
    }

    /// Whether an escalation step rests on law or only on Qorgau's policy.
    pub fn step_nature(&self, step: &EscalationStep) -> Option<Nature> {
        self.legal_bases
            .get(&step.legal_basis)
            .map(|entry| entry.nature)
    }

    /// Who may extend the decision deadline; empty when no extension is allowed.
    pub fn extension_granted_by(&self) -> &[ExtensionAuthority] {
        &self.extension_granted_by
    }

    /// Where the regime's acts can be read.
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// The data file the regime was loaded from.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Whether the regime was in force on `date`.
    pub fn is_in_force_on(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_until.is_none_or(|until| date <= until)
    }
}

/// A date or id that no regime answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegimeError {
    #[error("no legal regime in force on {date}")]
    NoneInForce { date: Date },
    #[error("unknown regime {id}")]
    Unknown { id: String },
}

impl Explain for RegimeError {
    fn code(&self) -> &'static str {
        match self {
            RegimeError::NoneInForce { .. } => "regime_none_in_force",
            RegimeError::Unknown { .. } => "regime_unknown",
        }
    }

    fn explain(&self) -> Message {
        match self {
            RegimeError::NoneInForce { date } => {
                Message::new("regime-none-in-force").with("date", date.to_string())
            }
            RegimeError::Unknown { id } => Message::new("regime-unknown").with("id", id.as_str()),
        }
    }
}

/// A regime file that cannot be loaded: the file, the field (a dotted path such
/// as `deadlines.removal_hours` or `escalation[2].legal_basis`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("regime file {file}, field `{field}`: {reason}")]
pub struct RegimeDataError {
    pub file: String,
    pub field: String,
    pub reason: String,
}

/// All regimes, ordered by date, tiling time without gaps or overlaps.
#[derive(Debug)]
pub struct Regimes {
    regimes: Vec<Regime>,
}

impl Regimes {
    /// The regimes embedded from `data/regimes/`. The embedded data is checked by
    /// this crate's tests, so a failure here is a build defect, not an input error.
    pub fn embedded() -> &'static Regimes {
        static EMBEDDED: OnceLock<Regimes> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Regimes::from_files(crate::embedded::REGIME_FILES)
                .expect("the embedded regime data in data/regimes/ is invalid (run the qorgau-domain tests)")
        })
    }

    /// Loads regimes from `(file name, contents)` pairs.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Regimes, RegimeDataError> {
        let mut regimes = files
            .iter()
            .map(|(file, contents)| parse_regime(file, contents))
            .collect::<Result<Vec<_>, _>>()?;
        regimes.sort_by_key(|regime| regime.effective_from);
        check_ids_unique(&regimes)?;
        check_tiling(&regimes)?;
        Ok(Regimes { regimes })
    }

    /// The regime in force on `date`: a case is handled under the regime in
    /// force on its date of receipt.
    pub fn in_force_on(&self, date: Date) -> Result<&Regime, RegimeError> {
        self.regimes
            .iter()
            .find(|regime| regime.is_in_force_on(date))
            .ok_or(RegimeError::NoneInForce { date })
    }

    pub fn get(&self, id: &str) -> Result<&Regime, RegimeError> {
        self.regimes
            .iter()
            .find(|regime| regime.id == id)
            .ok_or_else(|| RegimeError::Unknown { id: id.to_owned() })
    }

    /// Every regime, oldest first.
    pub fn all(&self) -> &[Regime] {
        &self.regimes
    }
}

fn check_ids_unique(regimes: &[Regime]) -> Result<(), RegimeDataError> {
    for (index, regime) in regimes.iter().enumerate() {
        if let Some(earlier) = regimes[..index]
            .iter()
            .find(|earlier| earlier.id == regime.id)
        {
            return Err(RegimeDataError {
                file: regime.file.clone(),
                field: "id".to_owned(),
                reason: format!("id `{}` is already used by {}", regime.id, earlier.file),
            });
        }
    }
    Ok(())
}

/// Consecutive regimes must meet exactly: the next starts the day after the
/// previous one ends, and only the last may be open-ended.
fn check_tiling(regimes: &[Regime]) -> Result<(), RegimeDataError> {
    for pair in regimes.windows(2) {
        let (previous, next) = (&pair[0], &pair[1]);
        let error = |reason: String| RegimeDataError {
            file: next.file.clone(),
            field: "effective_from".to_owned(),
            reason,
        };
        let Some(previous_until) = previous.effective_until else {
            return Err(error(format!(
                "overlaps regime `{}` ({}), which is in force from {} with no end date; \
                 give it an effective_until",
                previous.id, previous.file, previous.effective_from
            )));
        };
        if next.effective_from <= previous_until {
            return Err(error(format!(
                "{} overlaps regime `{}` ({}), in force until {}",
                next.effective_from, previous.id, previous.file, previous_until
            )));
        }
        let expected = previous_until
            .tomorrow()
            .map_err(|date_error| error(date_error.to_string()))?;
        if next.effective_from != expected {
            return Err(error(format!(
                "{} leaves a gap after regime `{}` ({}), in force until {}; it must start on {}",
                next.effective_from, previous.id, previous.file, previous_until, expected
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Parsing. Hand-written over `toml::Table` rather than serde derive, so that
// every error can name the exact field (`legal_basis.order.text.kk`).

/// A table being read, with its path for error messages.
struct Fields<'a> {
    file: &'a str,
    path: String,
    table: &'a Table,
}

impl<'a> Fields<'a> {
    fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn error(&self, key: &str, reason: impl Into<String>) -> RegimeDataError {
        RegimeDataError {
            file: self.file.to_owned(),
            field: self.field_path(key),
            reason: reason.into(),
        }
    }

    /// Rejects keys not in `allowed`.
    fn only(&self, allowed: &[&str]) -> Result<(), RegimeDataError> {
        match self
            .table
            .keys()
            .find(|key| !allowed.contains(&key.as_str()))
        {
            Some(unknown) => Err(self.error(
                unknown,
                format!("unknown key; expected one of: {}", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    fn value(&self, key: &str) -> Result<&'a Value, RegimeDataError> {
        self.table
            .get(key)
            .ok_or_else(|| self.error(key, "missing"))
    }

    fn string(&self, key: &str) -> Result<String, RegimeDataError> {
        match self.value(key)? {
            Value::String(text) if !text.trim().is_empty() => Ok(text.clone()),
            Value::String(_) => Err(self.error(key, "must not be empty")),
            other => Err(self.error(
                key,
                format!("expected a string, found {}", other.type_str()),
            )),
        }
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, RegimeDataError> {
        if self.table.contains_key(key) {
            self.string(key).map(Some)
        } else {
            Ok(None)
        }
    }

    fn positive_u32(&self, key: &str) -> Result<u32, RegimeDataError> {
        let number = self.u32(key)?;
        if number == 0 {
            return Err(self.error(key, "must be at least 1"));
        }
        Ok(number)
    }

    fn u32(&self, key: &str) -> Result<u32, RegimeDataError> {
        match self.value(key)? {
            Value::Integer(number) => u32::try_from(*number).map_err(|_| {
                self.error(
                    key,
                    format!("{number} is not a whole number from 0 to {}", u32::MAX),
                )
            }),
            other => Err(self.error(
                key,
                format!("expected an integer, found {}", other.type_str()),
            )),
        }
    }

    fn bool_or(&self, key: &str, default: bool) -> Result<bool, RegimeDataError> {
        match self.table.get(key) {
            None => Ok(default),
            Some(Value::Boolean(flag)) => Ok(*flag),
            Some(other) => Err(self.error(
                key,
                format!("expected true or false, found {}", other.type_str()),
            )),
        }
    }

    fn date(&self, key: &str) -> Result<Date, RegimeDataError> {
        let value = self.value(key)?;
        let not_a_date = || self.error(key, "expected a local date such as 2025-01-28 (unquoted)");
        let Value::Datetime(datetime) = value else {
            return Err(not_a_date());
        };
        match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => {
                let year = i16::try_from(date.year).map_err(|_| not_a_date())?;
                let month = i8::try_from(date.month).map_err(|_| not_a_date())?;
                let day = i8::try_from(date.day).map_err(|_| not_a_date())?;
                Date::new(year, month, day)
                    .map_err(|date_error| self.error(key, date_error.to_string()))
            }
            _ => Err(not_a_date()),
        }
    }

    fn optional_date(&self, key: &str) -> Result<Option<Date>, RegimeDataError> {
        if self.table.contains_key(key) {
            self.date(key).map(Some)
        } else {
            Ok(None)
        }
    }

    fn table(&self, key: &str) -> Result<Fields<'a>, RegimeDataError> {
        match self.value(key)? {
            Value::Table(table) => Ok(Fields {
                file: self.file,
                path: self.field_path(key),
                table,
            }),
            other => Err(self.error(key, format!("expected a table, found {}", other.type_str()))),
        }
    }

    fn optional_table(&self, key: &str) -> Result<Option<Fields<'a>>, RegimeDataError> {
        if self.table.contains_key(key) {
            self.table(key).map(Some)
        } else {
            Ok(None)
        }
    }

    fn array(&self, key: &str) -> Result<&'a [Value], RegimeDataError> {
        match self.value(key)? {
            Value::Array(items) => Ok(items),
            other => Err(self.error(
                key,
                format!("expected an array, found {}", other.type_str()),
            )),
        }
    }

    fn string_array(&self, key: &str) -> Result<Vec<String>, RegimeDataError> {
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) if !text.trim().is_empty() => Ok(text.clone()),
                _ => Err(self.error(&format!("{key}[{index}]"), "expected a non-empty string")),
            })
            .collect()
    }

    fn localized(&self, key: &str) -> Result<Localized, RegimeDataError> {
        let fields = self.table(key)?;
        fields.only(&["kk", "ru", "en"])?;
        Ok(Localized {
            kk: fields.string("kk")?,
            ru: fields.string("ru")?,
            en: fields.string("en")?,
        })
    }
}

fn parse_regime(file: &str, contents: &str) -> Result<Regime, RegimeDataError> {
    let table: Table =
        contents
            .parse()
            .map_err(|syntax_error: toml::de::Error| RegimeDataError {
                file: file.to_owned(),
                field: "(syntax)".to_owned(),
                reason: syntax_error.to_string(),
            })?;
    let root = Fields {
        file,
        path: String::new(),
        table: &table,
    };
    root.only(&[
        "id",
        "title",
        "effective_from",
        "effective_until",
        "authorized_body",
        "sources",
        "note",
        "deadlines",
        "decision_rule",
        "escalation",
        "legal_basis",
        "pursuit",
    ])?;

    let id = root.string("id")?;
    let effective_from = root.date("effective_from")?;
    let effective_until = root.optional_date("effective_until")?;
    if let Some(until) = effective_until
        && until < effective_from
    {
        return Err(root.error(
            "effective_until",
            format!("{until} is before effective_from {effective_from}"),
        ));
    }
    let sources = if root.table.contains_key("sources") {
        root.string_array("sources")?
    } else {
        Vec::new()
    };
    root.optional_string("note")?;

    let (deadlines, extension_granted_by) = parse_deadlines(&root.table("deadlines")?)?;
    let decision_rule = parse_decision_rule(&root.table("decision_rule")?)?;
    let legal_bases = parse_legal_bases(&root.table("legal_basis")?)?;
    let escalation = parse_escalation(&root)?;
    let pursuit = match root.optional_table("pursuit")? {
        Some(table) => parse_pursuit(&table)?,
        None => PursuitThresholds::default(),
    };

    let legal_basis_fields = root.table("legal_basis")?;
    let mut required: Vec<&str> = REQUIRED_LEGAL_BASES.to_vec();
    if deadlines.extension_max_calendar_days.is_some() {
        required.push(EXTENSION_LEGAL_BASIS);
    }
    if let Some(missing) = required.iter().find(|key| !legal_bases.contains_key(**key)) {
        return Err(legal_basis_fields.error(
            missing,
            "missing: every regime must provide this legal basis",
        ));
    }
    for (index, step) in escalation.iter().enumerate() {
        if !legal_bases.contains_key(&step.legal_basis) {
            return Err(root.error(
                &format!("escalation[{index}].legal_basis"),
                format!(
                    "unknown legal basis `{}`; define [legal_basis.{}]",
                    step.legal_basis, step.legal_basis
                ),
            ));
        }
    }

    Ok(Regime {
        id,
        title: root.localized("title")?,
        effective_from,
        effective_until,
        authorized_body: root.localized("authorized_body")?,
        deadlines,
        decision_rule,
        escalation,
        pursuit,
        extension_granted_by,
        legal_bases,
        sources,
        file: file.to_owned(),
    })
}

fn parse_deadlines(
    fields: &Fields<'_>,
) -> Result<(Deadlines, Vec<ExtensionAuthority>), RegimeDataError> {
    fields.only(&[
        "decision_working_days",
        "response_working_days",
        "removal_hours",
        "extension",
    ])?;
    let mut deadlines = Deadlines {
        decision_working_days: fields.positive_u32("decision_working_days")?,
        extension_max_calendar_days: None,
        extension_notice_working_days: None,
        response_working_days: fields.positive_u32("response_working_days")?,
        removal_hours: fields.positive_u32("removal_hours")?,
    };
    let mut granted_by = Vec::new();
    if let Some(extension) = fields.optional_table("extension")? {
        extension.only(&["max_calendar_days", "notice_working_days", "granted_by"])?;
        deadlines.extension_max_calendar_days = Some(extension.positive_u32("max_calendar_days")?);
        deadlines.extension_notice_working_days =
            Some(extension.positive_u32("notice_working_days")?);
        for (index, name) in extension.string_array("granted_by")?.iter().enumerate() {
            let authority = ExtensionAuthority::from_name(name).ok_or_else(|| {
                extension.error(
                    &format!("granted_by[{index}]"),
                    format!("`{name}`: expected chair or deputy_chair"),
                )
            })?;
            granted_by.push(authority);
        }
        if granted_by.is_empty() {
            return Err(extension.error("granted_by", "name at least one of chair, deputy_chair"));
        }
    }
    Ok((deadlines, granted_by))
}

fn parse_decision_rule(fields: &Fields<'_>) -> Result<DecisionRule, RegimeDataError> {
    fields.only(&["quorum", "majority_of", "tie_break", "confirmed", "note"])?;
    let quorum_text = fields.string("quorum")?;
    let quorum = parse_quorum(&quorum_text).ok_or_else(|| {
        fields.error(
            "quorum",
            format!(
                "`{quorum_text}`: expected a fraction such as \"2/3\", 0 < numerator <= denominator"
            ),
        )
    })?;
    let majority_of = match fields.string("majority_of")?.as_str() {
        "votes_cast" => MajorityBasis::VotesCast,
        "members_present" => MajorityBasis::MembersPresent,
        other => {
            return Err(fields.error(
                "majority_of",
                format!("`{other}`: expected votes_cast or members_present"),
            ));
        }
    };
    let tie_break = match fields.string("tie_break")?.as_str() {
        "chair_casting_vote" => TieBreak::ChairCastingVote,
        "not_confirmed" => TieBreak::NotConfirmed,
        other => {
            return Err(fields.error(
                "tie_break",
                format!("`{other}`: expected chair_casting_vote or not_confirmed"),
            ));
        }
    };
    Ok(DecisionRule {
        quorum,
        majority_of,
        tie_break,
        confirmed: fields.bool_or("confirmed", false)?,
        note: fields.optional_string("note")?,
    })
}

fn parse_quorum(text: &str) -> Option<Quorum> {
    let (numerator, denominator) = text.split_once('/')?;
    let numerator: u32 = numerator.trim().parse().ok()?;
    let denominator: u32 = denominator.trim().parse().ok()?;
    (numerator > 0 && numerator <= denominator).then_some(Quorum {
        numerator,
        denominator,
    })
}

/// `[pursuit]`: every sub-table and key is optional and falls back to
/// [`PursuitThresholds::default`]; unknown keys are refused like everywhere else.
///
/// ```toml
/// [pursuit]
/// note = "…"
/// [pursuit.repeated_contact]   # min_distinct_days (3), within_days (30)
/// [pursuit.cross_channel]      # min_channels (2; at least 2)
/// [pursuit.new_accounts]       # min_accounts (1), within_days (30)
/// [pursuit.monitoring]         # min_entries (1)
/// [pursuit.offline]            # min_entries (1)
/// [pursuit.suggestion]         # min_indicators (2)
/// ```
fn parse_pursuit(fields: &Fields<'_>) -> Result<PursuitThresholds, RegimeDataError> {
    fields.only(&[
        "note",
        "repeated_contact",
        "cross_channel",
        "new_accounts",
        "monitoring",
        "offline",
        "suggestion",
    ])?;
    fields.optional_string("note")?;
    let mut thresholds = PursuitThresholds::default();
    let value_or = |table: &Fields<'_>, key: &str, default: u32| -> Result<u32, RegimeDataError> {
        if table.table.contains_key(key) {
            table.positive_u32(key)
        } else {
            Ok(default)
        }
    };
    if let Some(table) = fields.optional_table("repeated_contact")? {
        table.only(&["min_distinct_days", "within_days", "note"])?;
        table.optional_string("note")?;
        thresholds.repeated_min_days =
            value_or(&table, "min_distinct_days", thresholds.repeated_min_days)?;
        thresholds.repeated_within_days =
            value_or(&table, "within_days", thresholds.repeated_within_days)?;
    }
    if let Some(table) = fields.optional_table("cross_channel")? {
        table.only(&["min_channels", "note"])?;
        table.optional_string("note")?;
        thresholds.cross_channel_min =
            value_or(&table, "min_channels", thresholds.cross_channel_min)?;
        if thresholds.cross_channel_min < 2 {
            return Err(table.error(
                "min_channels",
                "contact across channels needs at least 2 channels",
            ));
        }
    }
    if let Some(table) = fields.optional_table("new_accounts")? {
        table.only(&["min_accounts", "within_days", "note"])?;
        table.optional_string("note")?;
        thresholds.new_accounts_min =
            value_or(&table, "min_accounts", thresholds.new_accounts_min)?;
        thresholds.new_accounts_within_days =
            value_or(&table, "within_days", thresholds.new_accounts_within_days)?;
    }
    if let Some(table) = fields.optional_table("monitoring")? {
        table.only(&["min_entries", "note"])?;
        table.optional_string("note")?;
        thresholds.monitoring_min = value_or(&table, "min_entries", thresholds.monitoring_min)?;
    }
    if let Some(table) = fields.optional_table("offline")? {
        table.only(&["min_entries", "note"])?;
        table.optional_string("note")?;
        thresholds.offline_min = value_or(&table, "min_entries", thresholds.offline_min)?;
    }
    if let Some(table) = fields.optional_table("suggestion")? {
        table.only(&["min_indicators", "note"])?;
        table.optional_string("note")?;
        thresholds.suggest_min_indicators =
            value_or(&table, "min_indicators", thresholds.suggest_min_indicators)?;
    }
    Ok(thresholds)
}

fn parse_escalation(root: &Fields<'_>) -> Result<Vec<EscalationStep>, RegimeDataError> {
    let mut steps: Vec<EscalationStep> = Vec::new();
    for (index, item) in root.array("escalation")?.iter().enumerate() {
        let path = format!("escalation[{index}]");
        let Value::Table(table) = item else {
            return Err(root.error(&path, "expected a table ([[escalation]])"));
        };
        let step = Fields {
            file: root.file,
            path,
            table,
        };
        step.only(&[
            "kind",
            "after_hours",
            "legal_basis",
            "note",
            "fine_mci",
            "confirmed",
        ])?;
        let kind_name = step.string("kind")?;
        let kind = EscalationKind::from_name(&kind_name).ok_or_else(|| {
            let expected: Vec<&str> = EscalationKind::ALL
                .iter()
                .map(|kind| kind.as_str())
                .collect();
            step.error(
                "kind",
                format!("`{kind_name}`: expected one of: {}", expected.join(", ")),
            )
        })?;
        let after_hours = step.u32("after_hours")?;
        if let Some(previous) = steps.last()
            && after_hours < previous.after_hours
        {
            return Err(step.error(
                "after_hours",
                format!(
                    "{after_hours} comes before the previous step's {}; order the ladder by time",
                    previous.after_hours
                ),
            ));
        }
        let note = step.optional_string("note")?;
        let confirmed = step.bool_or("confirmed", false)?;
        let fine_mci = if step.table.contains_key("fine_mci") {
            if kind != EscalationKind::AdministrativeOffence {
                return Err(step.error(
                    "fine_mci",
                    "only an administrative_offence step states a fine",
                ));
            }
            // A fine is law or nothing: an owner must never read an amount
            // that no article was checked to give (docs/regimes.md).
            if !confirmed {
                return Err(step.error(
                    "fine_mci",
                    "a fine is stated only when confirmed (`confirmed = true`) from the law",
                ));
            }
            Some(step.positive_u32("fine_mci")?)
        } else {
            None
        };
        if kind == EscalationKind::AdministrativeOffence && !confirmed && note.is_none() {
            return Err(step.error(
                "note",
                "an unconfirmed administrative_offence step must say in `note` what could not be confirmed",
            ));
        }
        steps.push(EscalationStep {
            kind,
            after_hours,
            legal_basis: step.string("legal_basis")?,
            fine_mci,
            confirmed,
            note,
        });
    }
    Ok(steps)
}

fn parse_legal_bases(
    fields: &Fields<'_>,
) -> Result<BTreeMap<String, LegalBasisEntry>, RegimeDataError> {
    let mut bases = BTreeMap::new();
    for key in fields.table.keys() {
        let entry = fields.table(key)?;
        entry.only(&[
            "citation",
            "text",
            "nature",
            "confirmed",
            "note",
            "source",
            "in_force_from",
        ])?;
        let nature = match entry.optional_string("nature")?.as_deref() {
            None | Some("law") => Nature::Law,
            Some("policy") => Nature::Policy,
            Some(other) => {
                return Err(entry.error("nature", format!("`{other}`: expected law or policy")));
            }
        };
        let confirmed = entry.bool_or("confirmed", false)?;
        let note = entry.optional_string("note")?;
        if !confirmed && nature == Nature::Law && note.is_none() {
            return Err(entry.error(
                "note",
                "an unconfirmed legal basis must say in `note` what could not be confirmed",
            ));
        }
        bases.insert(
            key.clone(),
            LegalBasisEntry {
                basis: LegalBasis {
                    citation: entry.localized("citation")?,
                    text: entry.localized("text")?,
                },
                nature,
                confirmed,
                note,
                source: entry.optional_string("source")?,
                in_force_from: entry.optional_date("in_force_from")?,
            },
        );
    }
    Ok(bases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    // --- embedded data ------------------------------------------------------

    #[test]
    fn every_embedded_regime_parses() {
        assert!(
            !crate::embedded::REGIME_FILES.is_empty(),
            "data/regimes/ holds no file"
        );
        for (file, contents) in crate::embedded::REGIME_FILES {
            if let Err(error) = parse_regime(file, contents) {
                panic!("{error}");
            }
        }
        let regimes =
            Regimes::from_files(crate::embedded::REGIME_FILES).expect("embedded regimes load");
        assert_eq!(regimes.all().len(), crate::embedded::REGIME_FILES.len());
        assert!(
            std::ptr::eq(Regimes::embedded(), Regimes::embedded()),
            "loaded once"
        );
    }

    fn check_in_force(on: Date, expected: Result<&str, ()>) {
        let actual = Regimes::embedded()
            .in_force_on(on)
            .map(|regime| regime.id.as_str());
        match expected {
            Ok(id) => assert_eq!(actual, Ok(id), "on {on}"),
            Err(()) => assert_eq!(
                actual,
                Err(RegimeError::NoneInForce { date: on }),
                "on {on}"
            ),
        }
    }

    #[test]
    fn in_force_on_boundaries() {
        check_in_force(date(2022, 9, 7), Err(()));
        check_in_force(date(2022, 9, 8), Ok("order-365"));
        check_in_force(date(2024, 6, 16), Ok("order-365"));
        check_in_force(date(2025, 1, 27), Ok("order-365"));
        check_in_force(date(2025, 1, 28), Ok("order-562-nk"));
        check_in_force(date(2026, 11, 30), Ok("order-562-nk"));
    }

    #[test]
    fn embedded_regimes_hold_the_law_s_numbers() {
        let regimes = Regimes::embedded();
        let order_365 = regimes.get("order-365").expect("order 365");
        assert_eq!(
            order_365.deadlines,
            Deadlines {
                decision_working_days: 3,
                extension_max_calendar_days: None,
                extension_notice_working_days: None,
                response_working_days: 3,
                removal_hours: 24,
            }
        );
        assert!(order_365.extension_granted_by().is_empty());
        assert_eq!(order_365.effective_until, Some(date(2025, 1, 27)));

        let order_562 = regimes.get("order-562-nk").expect("order 562-НҚ");
        assert_eq!(
            order_562.deadlines,
            Deadlines {
                decision_working_days: 3,
                extension_max_calendar_days: Some(15),
                extension_notice_working_days: Some(2),
                response_working_days: 3,
                removal_hours: 24,
            }
        );
        assert_eq!(
            order_562.extension_granted_by(),
            [ExtensionAuthority::Chair, ExtensionAuthority::DeputyChair]
        );
        assert!(order_562.legal_basis(EXTENSION_LEGAL_BASIS).is_some());
        assert_eq!(order_562.effective_until, None);
        // No article giving an owner's non-compliance a fine was found
        // (docs/regimes.md): no shipped regime states one, and each says so.
        for regime in regimes.all() {
            for step in &regime.escalation {
                if step.kind == EscalationKind::AdministrativeOffence {
                    assert_eq!(
                        (step.fine_mci, step.confirmed),
                        (None, false),
                        "{}",
                        regime.id
                    );
                    assert!(
                        step.note
                            .as_deref()
                            .is_some_and(|note| note.contains("127-2"))
                    );
                }
            }
        }
        assert_eq!(
            regimes.get("order-1").err(),
            Some(RegimeError::Unknown {
                id: "order-1".to_owned()
            })
        );
    }

    #[test]
    fn embedded_regimes_provide_every_required_basis_in_three_languages() {
        for regime in Regimes::embedded().all() {
            for key in REQUIRED_LEGAL_BASES {
                let basis = regime
                    .legal_basis(key)
                    .unwrap_or_else(|| panic!("{}: {key}", regime.id));
                for language in Language::ALL {
                    assert!(
                        !basis.citation.get(language).is_empty(),
                        "{} {key} {language:?}",
                        regime.id
                    );
                    assert!(
                        !basis.text.get(language).is_empty(),
                        "{} {key} {language:?}",
                        regime.id
                    );
                }
            }
            let kinds: Vec<EscalationKind> =
                regime.escalation.iter().map(|step| step.kind).collect();
            assert_eq!(
                kinds,
                EscalationKind::ALL,
                "{}: the whole ladder",
                regime.id
            );
            for step in &regime.escalation {
                assert!(
                    regime.step_nature(step).is_some(),
                    "{}: {:?}",
                    regime.id,
                    step.kind
                );
            }
        }
    }

    #[test]
    fn bullying_offence_applies_only_from_16_june_2024() {
        let regime = Regimes::embedded().get("order-365").expect("order 365");
        assert!(
            regime
                .legal_basis_on("bullying_offence", date(2024, 6, 15))
                .is_none()
        );
        assert!(
            regime
                .legal_basis_on("bullying_offence", date(2024, 6, 16))
                .is_some()
        );
        let regime = Regimes::embedded()
            .get("order-562-nk")
            .expect("order 562-НҚ");
        assert!(
            regime
                .legal_basis_on("bullying_offence", date(2025, 1, 28))
                .is_some()
        );
    }

    #[test]
    fn regime_errors_explain_themselves() {
        let none = RegimeError::NoneInForce {
            date: date(2022, 9, 7),
        };
        assert_eq!(none.code(), "regime_none_in_force");
        assert_eq!(
            none.explain(),
            Message::new("regime-none-in-force").with("date", "2022-09-07")
        );
        let unknown = RegimeError::Unknown { id: "x".to_owned() };
        assert_eq!(unknown.code(), "regime_unknown");
        assert_eq!(
            unknown.explain(),
            Message::new("regime-unknown").with("id", "x")
        );
    }

    // --- messages -----------------------------------------------------------

    fn locale_file(language: Language) -> &'static str {
        match language {
            Language::Kk => include_str!("../../../locales/kk/regime.ftl"),
            Language::Ru => include_str!("../../../locales/ru/regime.ftl"),
            Language::En => include_str!("../../../locales/en/regime.ftl"),
        }
    }

    /// Message id → the `$variables` its text uses (enough Fluent for messages
    /// without terms, attributes or multiline values).
    fn messages(source: &str) -> BTreeMap<String, Vec<String>> {
        source
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
            .filter_map(|line| line.split_once('='))
            .map(|(id, text)| {
                let mut variables: Vec<String> = text
                    .split('$')
                    .skip(1)
                    .map(|rest| {
                        rest.chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                            .collect()
                    })
                    .collect();
                variables.sort();
                variables.dedup();
                (id.trim().to_owned(), variables)
            })
            .collect()
    }

    #[test]
    fn every_message_exists_in_every_language_with_its_arguments() {
        let mut used: Vec<Message> = vec![
            RegimeError::NoneInForce {
                date: date(2022, 9, 7),
            }
            .explain(),
            RegimeError::Unknown { id: "x".to_owned() }.explain(),
        ];
        used.extend(
            [
                DecisionRuleNotMet::NoQuorum {
                    present: 4,
                    required: 5,
                },
                DecisionRuleNotMet::NoVotes,
                DecisionRuleNotMet::EmptyGroup,
                DecisionRuleNotMet::MoreVotesThanPresent {
                    votes: 2,
                    present: 1,
                },
                DecisionRuleNotMet::MorePresentThanMembers {
                    present: 2,
                    group_size: 1,
                },
                DecisionRuleNotMet::SeveralChairVotes { count: 2 },
                DecisionRuleNotMet::TieWithoutChairVote { votes_each: 1 },
            ]
            .iter()
            .map(Explain::explain),
        );
        used.extend(
            Category::ALL
                .iter()
                .map(|category| Message::new(category.message_id())),
        );
        used.extend(
            crate::category::CriminalIndicator::ALL
                .iter()
                .map(|indicator| Message::new(indicator.message_id())),
        );

        let english = messages(locale_file(Language::En));
        for language in Language::ALL {
            let defined = messages(locale_file(language));
            assert_eq!(
                defined.keys().collect::<Vec<_>>(),
                english.keys().collect::<Vec<_>>(),
                "{language:?} defines the same messages as English"
            );
            for message in &used {
                let variables = defined
                    .get(message.id)
                    .unwrap_or_else(|| panic!("{language:?}: no message {}", message.id));
                let mut arguments: Vec<String> = message
                    .args
                    .iter()
                    .map(|(name, _)| (*name).to_owned())
                    .collect();
                arguments.sort();
                assert_eq!(variables, &arguments, "{language:?}: {}", message.id);
            }
        }
    }

    // --- the decision rule --------------------------------------------------

    const TWO_THIRDS_PRESENT_CHAIR: DecisionRule = DecisionRule {
        quorum: Quorum {
            numerator: 2,
            denominator: 3,
        },
        majority_of: MajorityBasis::MembersPresent,
        tie_break: TieBreak::ChairCastingVote,
        confirmed: false,
        note: None,
    };

    /// Votes written as a string: `Y`/`N` confirm or not, a lowercase letter
    /// after it gives the category (`b` cyberbullying, `s` cyberstalking, `c`
    /// criminal), `*` marks the chair. `"Yb* Ns Yc"`.
    fn votes(spec: &str) -> Vec<CastVote> {
        spec.split_whitespace()
            .map(|token| CastVote {
                confirm: token.starts_with('Y'),
                by_chair: token.contains('*'),
                category: if token.contains('c') {
                    Category::Criminal
                } else if token.contains('s') {
                    Category::Cyberstalking
                } else if token.contains('b') {
                    Category::Cyberbullying
                } else {
                    Category::None
                },
            })
            .collect()
    }

    fn check_decision(
        rule: &DecisionRule,
        group_size: u32,
        present: Option<u32>,
        spec: &str,
        expected: Result<(bool, Category, u32, u32, bool), DecisionRuleNotMet>,
    ) {
        let cast = votes(spec);
        let actual = match present {
            Some(present) => rule.apply_with_attendance(group_size, present, &cast),
            None => rule.apply(group_size, &cast),
        };
        let actual = actual.map(|decision| {
            (
                decision.confirmed,
                decision.category,
                decision.votes_for,
                decision.votes_against,
                decision.chair_casting_vote_used,
            )
        });
        assert_eq!(
            actual, expected,
            "group of {group_size}, present {present:?}, votes {spec:?}"
        );
    }

    #[test]
    fn decision_rule_quorum() {
        let rule = &TWO_THIRDS_PRESENT_CHAIR;
        // Two thirds of 9 is 6.
        check_decision(
            rule,
            9,
            None,
            "Yb Yb Yb Nb Nb Yb",
            Ok((true, Category::Cyberbullying, 4, 2, false)),
        );
        check_decision(
            rule,
            9,
            None,
            "Yb Yb Yb Nb Nb",
            Err(DecisionRuleNotMet::NoQuorum {
                present: 5,
                required: 6,
            }),
        );
        // "At least two thirds" of 7 rounds up to 5.
        check_decision(
            rule,
            7,
            None,
            "Yb Yb Yb Nb",
            Err(DecisionRuleNotMet::NoQuorum {
                present: 4,
                required: 5,
            }),
        );
        check_decision(
            rule,
            7,
            None,
            "Yb Yb Yb Nb Nb",
            Ok((true, Category::Cyberbullying, 3, 2, false)),
        );
        check_decision(rule, 0, None, "Yb", Err(DecisionRuleNotMet::EmptyGroup));
        check_decision(rule, 3, None, "", Err(DecisionRuleNotMet::NoVotes));
        check_decision(
            rule,
            3,
            None,
            "Y Y Y N",
            Err(DecisionRuleNotMet::MorePresentThanMembers {
                present: 4,
                group_size: 3,
            }),
        );
        check_decision(
            rule,
            5,
            Some(3),
            "Y Y Y N",
            Err(DecisionRuleNotMet::MoreVotesThanPresent {
                votes: 4,
                present: 3,
            }),
        );
        check_decision(
            rule,
            3,
            None,
            "Y* N*",
            Err(DecisionRuleNotMet::SeveralChairVotes { count: 2 }),
        );
    }

    #[test]
    fn decision_rule_majority() {
        let present = &TWO_THIRDS_PRESENT_CHAIR;
        check_decision(
            present,
            3,
            None,
            "Yb Yb Nb",
            Ok((true, Category::Cyberbullying, 2, 1, false)),
        );
        check_decision(
            present,
            3,
            None,
            "Nb Nb Yb",
            Ok((false, Category::None, 1, 2, false)),
        );
        check_decision(
            present,
            3,
            None,
            "N N N",
            Ok((false, Category::None, 0, 3, false)),
        );
        // An abstention counts against a majority of those present ...
        check_decision(
            present,
            6,
            Some(6),
            "Yb Yb Nb Nb Yb",
            Ok((false, Category::None, 3, 2, false)),
        );
        // ... but not against a majority of the votes cast.
        let cast = DecisionRule {
            majority_of: MajorityBasis::VotesCast,
            ..TWO_THIRDS_PRESENT_CHAIR
        };
        check_decision(
            &cast,
            6,
            Some(6),
            "Yb Yb Nb Nb Yb",
            Ok((true, Category::Cyberbullying, 3, 2, false)),
        );
    }

    #[test]
    fn decision_rule_tie() {
        let chair = &TWO_THIRDS_PRESENT_CHAIR;
        check_decision(
            chair,
            4,
            None,
            "Yb* Yb Nb Nb",
            Ok((true, Category::Cyberbullying, 2, 2, true)),
        );
        check_decision(
            chair,
            4,
            None,
            "Yb Yb Nb* Nb",
            Ok((false, Category::None, 2, 2, true)),
        );
        check_decision(
            chair,
            4,
            None,
            "Yb Yb Nb Nb",
            Err(DecisionRuleNotMet::TieWithoutChairVote { votes_each: 2 }),
        );
        // A tie among the votes cast, with an abstention present, still goes to the chair.
        check_decision(
            chair,
            5,
            Some(5),
            "Ys* Nb Yb Nb",
            Ok((true, Category::Cyberstalking, 2, 2, true)),
        );
        let no_casting_vote = DecisionRule {
            tie_break: TieBreak::NotConfirmed,
            ..TWO_THIRDS_PRESENT_CHAIR
        };
        check_decision(
            &no_casting_vote,
            4,
            None,
            "Yb* Yb Nb Nb",
            Ok((false, Category::None, 2, 2, false)),
        );
        check_decision(
            &no_casting_vote,
            4,
            None,
            "Yb Yb Nb Nb",
            Ok((false, Category::None, 2, 2, false)),
        );
    }

    #[test]
    fn decision_rule_category() {
        let rule = &TWO_THIRDS_PRESENT_CHAIR;
        // Plurality on the winning side; the losing side's categories do not count.
        check_decision(
            rule,
            5,
            None,
            "Ys Ys Yc Nc Nc",
            Ok((true, Category::Cyberstalking, 3, 2, false)),
        );
        // Equal counts: the graver category wins.
        check_decision(
            rule,
            4,
            None,
            "Yb Ys Yb Ys",
            Ok((true, Category::Cyberstalking, 4, 0, false)),
        );
        check_decision(
            rule,
            3,
            None,
            "Yc Ys Yb",
            Ok((true, Category::Criminal, 3, 0, false)),
        );
        check_decision(
            rule,
            4,
            None,
            "Yb Yb Yc N",
            Ok((true, Category::Cyberbullying, 3, 1, false)),
        );
        // Confirming votes that name no category default to cyberbullying.
        check_decision(
            rule,
            3,
            None,
            "Y Y N",
            Ok((true, Category::Cyberbullying, 2, 1, false)),
        );
        check_decision(
            rule,
            3,
            None,
            "Y Ys N",
            Ok((true, Category::Cyberstalking, 2, 1, false)),
        );
    }

    #[test]
    fn decision_rule_errors_explain_themselves() {
        let no_quorum = DecisionRuleNotMet::NoQuorum {
            present: 4,
            required: 5,
        };
        assert_eq!(no_quorum.code(), "decision_no_quorum");
        assert_eq!(
            no_quorum.explain(),
            Message::new("decision-rule-no-quorum")
                .with("present", 4i64)
                .with("required", 5i64)
        );
        let all = [
            no_quorum,
            DecisionRuleNotMet::NoVotes,
            DecisionRuleNotMet::EmptyGroup,
            DecisionRuleNotMet::MoreVotesThanPresent {
                votes: 2,
                present: 1,
            },
            DecisionRuleNotMet::MorePresentThanMembers {
                present: 2,
                group_size: 1,
            },
            DecisionRuleNotMet::SeveralChairVotes { count: 2 },
            DecisionRuleNotMet::TieWithoutChairVote { votes_each: 1 },
        ];
        let mut codes: Vec<&str> = all.iter().map(Explain::code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "codes are distinct");
    }

    proptest::proptest! {
        /// Whatever the votes, a decision is consistent with them.
        #[test]
        fn decision_rule_is_consistent_with_the_votes(
            group_size in 1u32..15,
            raw_votes in proptest::collection::vec((proptest::bool::ANY, 0usize..4), 0..15),
            chair_index in proptest::option::of(0usize..15),
            votes_cast_basis in proptest::bool::ANY,
            casting_vote in proptest::bool::ANY,
        ) {
            let rule = DecisionRule {
                majority_of: if votes_cast_basis { MajorityBasis::VotesCast } else { MajorityBasis::MembersPresent },
                tie_break: if casting_vote { TieBreak::ChairCastingVote } else { TieBreak::NotConfirmed },
                ..TWO_THIRDS_PRESENT_CHAIR
            };
            let votes: Vec<CastVote> = raw_votes
                .iter()
                .enumerate()
                .map(|(index, (confirm, category))| CastVote {
                    confirm: *confirm,
                    by_chair: chair_index == Some(index),
                    category: Category::ALL[*category],
                })
                .collect();
            if let Ok(decision) = rule.apply(group_size, &votes) {
                proptest::prop_assert_eq!(
                    (decision.votes_for + decision.votes_against) as usize,
                    votes.len()
                );
                proptest::prop_assert!(votes.len() as u32 >= rule.quorum.required(group_size));
                proptest::prop_assert_eq!(decision.confirmed, decision.category != Category::None);
                if decision.chair_casting_vote_used {
                    proptest::prop_assert_eq!(decision.votes_for, decision.votes_against);
                } else if decision.confirmed {
                    proptest::prop_assert!(decision.votes_for > decision.votes_against);
                }
            }
        }
    }

    #[test]
    fn quorum_rounds_up() {
        let two_thirds = Quorum {
            numerator: 2,
            denominator: 3,
        };
        let required: Vec<u32> = (1..=10).map(|size| two_thirds.required(size)).collect();
        assert_eq!(required, [1, 2, 2, 3, 4, 4, 5, 6, 6, 7]);
        assert_eq!(
            Quorum {
                numerator: 1,
                denominator: 2
            }
            .required(4),
            2
        );
        assert_eq!(two_thirds.to_string(), "2/3");
    }

    // --- malformed files ----------------------------------------------------

    /// A minimal valid regime; tests break it one field at a time.
    fn regime_file(id: &str, from: &str, until: Option<&str>) -> String {
        let until = until
            .map(|until| format!("effective_until = {until}\n"))
            .unwrap_or_default();
        let mut file = format!(
            "id = \"{id}\"\neffective_from = {from}\n{until}\
             title = {{ kk = \"t\", ru = \"t\", en = \"t\" }}\n\
             authorized_body = {{ kk = \"b\", ru = \"b\", en = \"b\" }}\n\
             [deadlines]\ndecision_working_days = 3\nresponse_working_days = 3\nremoval_hours = 24\n\
             [decision_rule]\nquorum = \"2/3\"\nmajority_of = \"members_present\"\ntie_break = \"chair_casting_vote\"\n\
             [[escalation]]\nkind = \"reminder\"\nafter_hours = 0\nlegal_basis = \"order\"\n"
        );
        for key in REQUIRED_LEGAL_BASES {
            file.push_str(&format!(
                "[legal_basis.{key}]\nconfirmed = true\n\
                 citation = {{ kk = \"c\", ru = \"c\", en = \"c\" }}\n\
                 text = {{ kk = \"x\", ru = \"x\", en = \"x\" }}\n"
            ));
        }
        file
    }

    fn check_files(files: &[(&str, &str)], expected: Result<usize, (&str, &str, &str)>) {
        let actual = Regimes::from_files(files);
        match (actual, expected) {
            (Ok(regimes), Ok(count)) => assert_eq!(regimes.all().len(), count),
            (Err(error), Err((file, field, reason_contains))) => {
                assert_eq!(
                    (error.file.as_str(), error.field.as_str()),
                    (file, field),
                    "{error}"
                );
                assert!(error.reason.contains(reason_contains), "{error}");
                assert!(
                    error
                        .to_string()
                        .starts_with(&format!("regime file {file}, field `{field}`"))
                );
            }
            (actual, expected) => panic!("expected {expected:?}, got {actual:?}"),
        }
    }

    #[test]
    fn valid_test_regimes_load() {
        let first = regime_file("first", "2022-09-08", Some("2025-01-27"));
        let second = regime_file("second", "2025-01-28", None);
        check_files(&[("b.toml", &second), ("a.toml", &first)], Ok(2));
        check_files(&[], Ok(0));
        let empty = Regimes::from_files(&[]).expect("empty");
        assert_eq!(
            empty
                .in_force_on(date(2025, 1, 1))
                .map(|regime| regime.id.as_str()),
            Err(RegimeError::NoneInForce {
                date: date(2025, 1, 1)
            })
        );
    }

    #[test]
    fn malformed_regime_files_are_rejected_naming_file_and_field() {
        let valid = regime_file("r", "2022-09-08", None);
        let without = |line: &str| valid.replace(line, "");
        let replaced = |from: &str, to: &str| valid.replace(from, to);

        check_files(
            &[("r.toml", &without("removal_hours = 24\n"))],
            Err(("r.toml", "deadlines.removal_hours", "missing")),
        );
        check_files(
            &[("r.toml", &without("id = \"r\"\n"))],
            Err(("r.toml", "id", "missing")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("removal_hours = 24", "removal_hours = 0"),
            )],
            Err(("r.toml", "deadlines.removal_hours", "at least 1")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("removal_hours = 24", "removal_hours = \"24\""),
            )],
            Err(("r.toml", "deadlines.removal_hours", "expected an integer")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("removal_hours = 24", "removal_hour = 24"),
            )],
            Err(("r.toml", "deadlines.removal_hour", "unknown key")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced(
                    "effective_from = 2022-09-08",
                    "effective_from = \"2022-09-08\"",
                ),
            )],
            Err(("r.toml", "effective_from", "local date")),
        );
        check_files(
            &[("r.toml", &replaced("quorum = \"2/3\"", "quorum = \"3/2\""))],
            Err(("r.toml", "decision_rule.quorum", "fraction")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("tie_break = \"chair_casting_vote\"", "tie_break = \"coin\""),
            )],
            Err(("r.toml", "decision_rule.tie_break", "coin")),
        );
        check_files(
            &[("r.toml", &replaced("title = { kk = \"t\", ", "title = { "))],
            Err(("r.toml", "title.kk", "missing")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("[legal_basis.referral]", "[legal_basis.referal]"),
            )],
            Err((
                "r.toml",
                "legal_basis.referral",
                "every regime must provide",
            )),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("legal_basis = \"order\"", "legal_basis = \"fine\""),
            )],
            Err((
                "r.toml",
                "escalation[0].legal_basis",
                "unknown legal basis `fine`",
            )),
        );
        check_files(
            &[(
                "r.toml",
                &replaced("kind = \"reminder\"", "kind = \"warning\""),
            )],
            Err(("r.toml", "escalation[0].kind", "warning")),
        );
        check_files(
            &[(
                "r.toml",
                &replaced(
                    "[legal_basis.order]\nconfirmed = true\n",
                    "[legal_basis.order]\n",
                ),
            )],
            Err(("r.toml", "legal_basis.order.note", "unconfirmed")),
        );
        // A fine only where confirmed; an unconfirmed offence step says why.
        let offence = |step: &str| {
            replaced(
                "legal_basis = \"order\"\n",
                &format!(
                    "legal_basis = \"order\"\n[[escalation]]\nkind = \"administrative_offence\"\n\
                     after_hours = 72\nlegal_basis = \"order\"\n{step}"
                ),
            )
        };
        check_files(
            &[("r.toml", &offence("fine_mci = 10\nnote = \"n\"\n"))],
            Err(("r.toml", "escalation[1].fine_mci", "only when confirmed")),
        );
        check_files(
            &[("r.toml", &offence("confirmed = false\n"))],
            Err((
                "r.toml",
                "escalation[1].note",
                "what could not be confirmed",
            )),
        );
        check_files(
            &[("r.toml", &offence("confirmed = true\nfine_mci = 0\n"))],
            Err(("r.toml", "escalation[1].fine_mci", "")),
        );
        check_files(
            &[("r.toml", &offence("confirmed = false\nnote = \"n\"\n"))],
            Ok(1),
        );
        let fined =
            Regimes::from_files(&[("r.toml", &offence("confirmed = true\nfine_mci = 10\n"))])
                .unwrap();
        assert_eq!(fined.all()[0].escalation[1].fine_mci, Some(10));
        check_files(&[("r.toml", "id = ")], Err(("r.toml", "(syntax)", "")));
        // An extension needs its legal basis.
        let with_extension = replaced(
            "removal_hours = 24\n",
            "removal_hours = 24\n[deadlines.extension]\nmax_calendar_days = 15\nnotice_working_days = 2\ngranted_by = [\"chair\"]\n",
        );
        check_files(
            &[("r.toml", &with_extension)],
            Err(("r.toml", "legal_basis.extension", "must provide")),
        );
        let bad_authority = with_extension.replace("[\"chair\"]", "[\"minister\"]");
        check_files(
            &[("r.toml", &bad_authority)],
            Err(("r.toml", "deadlines.extension.granted_by[0]", "minister")),
        );
    }

    #[test]
    fn pursuit_thresholds_come_from_the_file_with_defaults() {
        // The embedded regimes state every threshold.
        for regime in Regimes::embedded().all() {
            assert_eq!(
                regime.pursuit,
                PursuitThresholds::default(),
                "{}",
                regime.id
            );
        }
        // No [pursuit] table: the documented defaults.
        let valid = regime_file("r", "2022-09-08", None);
        let regimes = Regimes::from_files(&[("r.toml", &valid)]).expect("loads");
        assert_eq!(regimes.all()[0].pursuit, PursuitThresholds::default());
        // Any key may be given alone; the rest keep their defaults.
        let tuned = format!(
            "{valid}[pursuit]\nnote = \"policy\"\n[pursuit.repeated_contact]\nmin_distinct_days = 5\n\
             [pursuit.suggestion]\nmin_indicators = 1\n"
        );
        let regimes = Regimes::from_files(&[("r.toml", &tuned)]).expect("loads");
        assert_eq!(
            regimes.all()[0].pursuit,
            PursuitThresholds {
                repeated_min_days: 5,
                suggest_min_indicators: 1,
                ..PursuitThresholds::default()
            }
        );
        check_files(
            &[(
                "r.toml",
                &format!("{valid}[pursuit.repeated_contact]\nmin_days = 5\n"),
            )],
            Err(("r.toml", "pursuit.repeated_contact.min_days", "unknown key")),
        );
        check_files(
            &[(
                "r.toml",
                &format!("{valid}[pursuit.cross_channel]\nmin_channels = 1\n"),
            )],
            Err(("r.toml", "pursuit.cross_channel.min_channels", "at least 2")),
        );
        check_files(
            &[(
                "r.toml",
                &format!("{valid}[pursuit.monitoring]\nmin_entries = 0\n"),
            )],
            Err(("r.toml", "pursuit.monitoring.min_entries", "at least 1")),
        );
    }

    #[test]
    fn overlapping_or_gapped_regimes_are_rejected() {
        let first = regime_file("first", "2022-09-08", Some("2025-01-27"));
        let open_first = regime_file("first", "2022-09-08", None);
        let overlapping = regime_file("second", "2025-01-27", None);
        let gapped = regime_file("second", "2025-01-29", None);
        let second = regime_file("second", "2025-01-28", None);
        check_files(
            &[("a.toml", &first), ("b.toml", &overlapping)],
            Err(("b.toml", "effective_from", "overlaps regime `first`")),
        );
        check_files(
            &[("a.toml", &open_first), ("b.toml", &second)],
            Err(("b.toml", "effective_from", "no end date")),
        );
        check_files(
            &[("a.toml", &first), ("b.toml", &gapped)],
            Err(("b.toml", "effective_from", "must start on 2025-01-28")),
        );
        let same_id = regime_file("first", "2025-01-28", None);
        check_files(
            &[("a.toml", &first), ("b.toml", &same_id)],
            Err(("b.toml", "id", "already used by a.toml")),
        );
        let backwards = regime_file("r", "2025-01-28", Some("2025-01-27"));
        check_files(
            &[("r.toml", &backwards)],
            Err(("r.toml", "effective_until", "before effective_from")),
        );
    }
}
