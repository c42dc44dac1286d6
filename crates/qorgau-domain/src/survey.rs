//! Anonymous prevalence surveys: how many children say they were harassed
//! online, or persecuted offline.
//!
//! The seed paper measured prevalence with a school survey (1,056 respondents in
//! the South Kazakhstan region and Shymkent); authorities repeat such surveys,
//! and Qorgau turns their answers into shares with 95% Wilson score intervals,
//! overall, by sex and by age group (docs/statistics.md).
//!
//! The file is CSV with exactly this header (API.md, `qorgau survey analyze`):
//!
//! ```text
//! respondent_id,sex,age,harassed_online,persecuted_offline
//! r0001,f,14,1,0
//! ```
//!
//! - `respondent_id`: 1 to 64 characters, no control characters, unique in the
//!   file (an anonymous code, never a name or an IIN);
//! - `sex`: `f` or `m`;
//! - `age`: whole years, [`MIN_AGE`]..=[`MAX_AGE`];
//! - `harassed_online`, `persecuted_offline`: `1` (yes) or `0` (no).
//!
//! Parsing is streaming ([`SurveyParser::push_line`]): only the tallies and the
//! set of respondent ids seen are kept, so a survey of any size fits in memory.
//! A file is refused at its first bad line, naming the line and the reason. No
//! CSV crate: the format has no quoting needs (no value may contain a comma), so
//! a split on `,` is the whole grammar; surrounding spaces and a pair of
//! surrounding double quotes are tolerated because spreadsheets add them, and a
//! UTF-8 byte-order mark and CRLF line ends likewise. Blank lines are skipped.

use std::collections::HashMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::message::{Explain, Message};

/// The header, exactly.
pub const HEADER: &str = "respondent_id,sex,age,harassed_online,persecuted_offline";

/// Values per line.
pub const COLUMNS: usize = 5;

/// The youngest plausible respondent: surveys of this kind are run in schools
/// (from the first grade, age 6, with some five-year-olds in pre-school classes)
/// and universities. The paper's sample was 13 to 18; [`MIN_AGE`]..=[`MAX_AGE`]
/// covers primary school to a master's student, and anything outside it is a
/// typing error, not a respondent.
pub const MIN_AGE: u32 = 5;
/// The oldest plausible respondent (see [`MIN_AGE`]).
pub const MAX_AGE: u32 = 25;

/// The longest respondent id accepted.
pub const MAX_RESPONDENT_ID_CHARS: usize = 64;

/// The standard normal quantile for a two-sided 95% interval, Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Sex as the survey records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Sex {
    #[serde(rename = "f")]
    Female,
    #[serde(rename = "m")]
    Male,
}

impl Sex {
    pub const ALL: [Sex; 2] = [Sex::Female, Sex::Male];

    /// The CSV value and JSON key: `f` or `m`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "f",
            Sex::Male => "m",
        }
    }

    /// The Fluent message naming the group (`locales/*/survey.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            Sex::Female => "survey-sex-f",
            Sex::Male => "survey-sex-m",
        }
    }
}

/// Age groups. The school stages of Kazakhstan's 12-year school, aligned with
/// the children's age bands of the public case statistics (under 10, 10–13,
/// 14–15, 16–17) so that a survey and the case figures can be read side by side,
/// plus the adults that university samples include (the paper's was 13 to 18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AgeGroup {
    /// 5–9: pre-school and primary school.
    Age5To9,
    /// 10–13.
    Age10To13,
    /// 14–15.
    Age14To15,
    /// 16–17: the last years of childhood.
    Age16To17,
    /// 18–25: adults, usually students.
    Age18To25,
}

impl AgeGroup {
    pub const ALL: [AgeGroup; 5] = [
        AgeGroup::Age5To9,
        AgeGroup::Age10To13,
        AgeGroup::Age14To15,
        AgeGroup::Age16To17,
        AgeGroup::Age18To25,
    ];

    /// The group of an age in [`MIN_AGE`]..=[`MAX_AGE`].
    pub fn of(age: u32) -> AgeGroup {
        match age {
            0..=9 => AgeGroup::Age5To9,
            10..=13 => AgeGroup::Age10To13,
            14..=15 => AgeGroup::Age14To15,
            16..=17 => AgeGroup::Age16To17,
            _ => AgeGroup::Age18To25,
        }
    }

    /// The first and last age of the group.
    pub fn range(self) -> (u32, u32) {
        match self {
            AgeGroup::Age5To9 => (MIN_AGE, 9),
            AgeGroup::Age10To13 => (10, 13),
            AgeGroup::Age14To15 => (14, 15),
            AgeGroup::Age16To17 => (16, 17),
            AgeGroup::Age18To25 => (18, MAX_AGE),
        }
    }

    /// The JSON key: `5_9`, `10_13`, `14_15`, `16_17`, `18_25`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeGroup::Age5To9 => "5_9",
            AgeGroup::Age10To13 => "10_13",
            AgeGroup::Age14To15 => "14_15",
            AgeGroup::Age16To17 => "16_17",
            AgeGroup::Age18To25 => "18_25",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What the survey asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Harassed through gadgets: messengers, social networks, games.
    HarassedOnline,
    /// Persecuted in real life.
    PersecutedOffline,
}

impl Measure {
    pub const ALL: [Measure; 2] = [Measure::HarassedOnline, Measure::PersecutedOffline];

    /// The CSV column and JSON key.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::HarassedOnline => "harassed_online",
            Measure::PersecutedOffline => "persecuted_offline",
        }
    }

    /// The Fluent message naming the measure (`locales/*/survey.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            Measure::HarassedOnline => "survey-measure-harassed-online",
            Measure::PersecutedOffline => "survey-measure-persecuted-offline",
        }
    }
}

/// One respondent's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyResponse {
    pub respondent_id: String,
    pub sex: Sex,
    pub age: u32,
    pub harassed_online: bool,
    pub persecuted_offline: bool,
}

impl SurveyResponse {
    pub fn answer(&self, measure: Measure) -> bool {
        match measure {
            Measure::HarassedOnline => self.harassed_online,
            Measure::PersecutedOffline => self.persecuted_offline,
        }
    }
}

/// A refused survey file: the line (1 = the header) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct SurveyError {
    pub line: u64,
    pub kind: SurveyErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyErrorKind {
    #[error("the file is empty; the first line must be the header `{HEADER}`")]
    Empty,
    #[error("the header must be exactly `{HEADER}`, not `{found}`")]
    WrongHeader { found: String },
    #[error("expected {COLUMNS} comma-separated values, found {found}")]
    WrongColumnCount { found: usize },
    #[error(
        "respondent_id `{value}` must be 1 to {MAX_RESPONDENT_ID_CHARS} characters without control characters"
    )]
    BadRespondentId { value: String },
    #[error("respondent `{respondent_id}` already answered on line {first_line}")]
    DuplicateRespondent {
        respondent_id: String,
        first_line: u64,
    },
    #[error("sex must be `f` or `m`, not `{value}`")]
    BadSex { value: String },
    #[error("age must be a whole number of years, not `{value}`")]
    BadAge { value: String },
    #[error("age {age} is outside {MIN_AGE}..={MAX_AGE}")]
    ImpossibleAge { age: i64 },
    #[error("{column} must be 1 (yes) or 0 (no), not `{value}`")]
    BadAnswer { column: &'static str, value: String },
    #[error("the file has a header but no responses")]
    NoResponses,
    #[error("the line is not UTF-8 text")]
    NotUtf8,
}

/// Values quoted back to the reader are cut to this many characters, so a
/// binary file fed by mistake does not flood the terminal.
const QUOTED_VALUE_CHARS: usize = 40;

fn quoted(value: &str) -> String {
    if value.chars().count() <= QUOTED_VALUE_CHARS {
        value.to_owned()
    } else {
        let mut cut: String = value.chars().take(QUOTED_VALUE_CHARS).collect();
        cut.push('…');
        cut
    }
}

fn number(value: impl TryInto<i64>) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

impl Explain for SurveyError {
    fn code(&self) -> &'static str {
        match &self.kind {
            SurveyErrorKind::Empty => "survey_empty",
            SurveyErrorKind::WrongHeader { .. } => "survey_wrong_header",
            SurveyErrorKind::WrongColumnCount { .. } => "survey_wrong_column_count",
            SurveyErrorKind::BadRespondentId { .. } => "survey_bad_respondent_id",
            SurveyErrorKind::DuplicateRespondent { .. } => "survey_duplicate_respondent",
            SurveyErrorKind::BadSex { .. } => "survey_bad_sex",
            SurveyErrorKind::BadAge { .. } => "survey_bad_age",
            SurveyErrorKind::ImpossibleAge { .. } => "survey_impossible_age",
            SurveyErrorKind::BadAnswer { .. } => "survey_bad_answer",
            SurveyErrorKind::NoResponses => "survey_no_responses",
            SurveyErrorKind::NotUtf8 => "survey_not_utf8",
        }
    }

    fn explain(&self) -> Message {
        let message = match &self.kind {
            SurveyErrorKind::Empty => Message::new("survey-error-empty").with("header", HEADER),
            SurveyErrorKind::WrongHeader { found } => Message::new("survey-error-wrong-header")
                .with("header", HEADER)
                .with("found", quoted(found)),
            SurveyErrorKind::WrongColumnCount { found } => {
                Message::new("survey-error-wrong-column-count")
                    .with("expected", number(COLUMNS))
                    .with("found", number(*found))
            }
            SurveyErrorKind::BadRespondentId { value } => {
                Message::new("survey-error-bad-respondent-id")
                    .with("value", quoted(value))
                    .with("max", number(MAX_RESPONDENT_ID_CHARS))
            }
            SurveyErrorKind::DuplicateRespondent {
                respondent_id,
                first_line,
            } => Message::new("survey-error-duplicate-respondent")
                .with("id", quoted(respondent_id))
                .with("first", number(*first_line)),
            SurveyErrorKind::BadSex { value } => {
                Message::new("survey-error-bad-sex").with("value", quoted(value))
            }
            SurveyErrorKind::BadAge { value } => {
                Message::new("survey-error-bad-age").with("value", quoted(value))
            }
            SurveyErrorKind::ImpossibleAge { age } => Message::new("survey-error-impossible-age")
                .with("age", *age)
                .with("min", i64::from(MIN_AGE))
                .with("max", i64::from(MAX_AGE)),
            SurveyErrorKind::BadAnswer { column, value } => Message::new("survey-error-bad-answer")
                .with("column", *column)
                .with("value", quoted(value)),
            SurveyErrorKind::NoResponses => Message::new("survey-error-no-responses"),
            SurveyErrorKind::NotUtf8 => Message::new("survey-error-not-utf8"),
        };
        message.with("line", number(self.line))
    }
}

/// Counts of one group of respondents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    pub respondents: u64,
    pub harassed_online: u64,
    pub persecuted_offline: u64,
}

impl GroupCounts {
    fn add(&mut self, response: &SurveyResponse) {
        self.respondents += 1;
        self.harassed_online += u64::from(response.harassed_online);
        self.persecuted_offline += u64::from(response.persecuted_offline);
    }

    pub fn count(&self, measure: Measure) -> u64 {
        match measure {
            Measure::HarassedOnline => self.harassed_online,
            Measure::PersecutedOffline => self.persecuted_offline,
        }
    }
}

/// The tallies of a whole survey.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyTally {
    pub overall: GroupCounts,
    pub by_sex: [GroupCounts; 2],
    pub by_age_group: [GroupCounts; 5],
}

impl SurveyTally {
    pub fn add(&mut self, response: &SurveyResponse) {
        self.overall.add(response);
        self.by_sex[response.sex as usize].add(response);
        self.by_age_group[AgeGroup::of(response.age).index()].add(response);
    }

    pub fn sex(&self, sex: Sex) -> &GroupCounts {
        &self.by_sex[sex as usize]
    }

    pub fn age_group(&self, group: AgeGroup) -> &GroupCounts {
        &self.by_age_group[group.index()]
    }
}

/// Reads a survey one line at a time; see the module documentation.
#[derive(Debug, Default)]
pub struct SurveyParser {
    line: u64,
    header_seen: bool,
    /// Respondent id → the line it was first seen on.
    seen: HashMap<String, u64>,
    tally: SurveyTally,
}

impl SurveyParser {
    pub fn new() -> SurveyParser {
        SurveyParser::default()
    }

    /// Takes the next line of the file (with or without its line end).
    pub fn push_line(&mut self, raw: &str) -> Result<(), SurveyError> {
        self.line += 1;
        let line = self.line;
        let mut text = raw.trim_end_matches(['\n', '\r']);
        if line == 1 {
            text = text.strip_prefix('\u{feff}').unwrap_or(text);
        }
        if text.trim().is_empty() {
            return Ok(());
        }
        if !self.header_seen {
            if text.trim() != HEADER {
                return Err(SurveyError {
                    line,
                    kind: SurveyErrorKind::WrongHeader {
                        found: text.to_owned(),
                    },
                });
            }
            self.header_seen = true;
            return Ok(());
        }
        let response = parse_response(text).map_err(|kind| SurveyError { line, kind })?;
        if let Some(first_line) = self.seen.get(&response.respondent_id) {
            return Err(SurveyError {
                line,
                kind: SurveyErrorKind::DuplicateRespondent {
                    respondent_id: response.respondent_id,
                    first_line: *first_line,
                },
            });
        }
        self.tally.add(&response);
        self.seen.insert(response.respondent_id, line);
        Ok(())
    }

    /// Takes the next line as bytes: refused, with its number, unless it is UTF-8.
    pub fn push_bytes(&mut self, raw: &[u8]) -> Result<(), SurveyError> {
        match std::str::from_utf8(raw) {
            Ok(text) => self.push_line(text),
            Err(_) => {
                self.line += 1;
                Err(SurveyError {
                    line: self.line,
                    kind: SurveyErrorKind::NotUtf8,
                })
            }
        }
    }

    /// The tallies, once every line is in.
    pub fn finish(self) -> Result<SurveyTally, SurveyError> {
        if !self.header_seen {
            return Err(SurveyError {
                line: 1,
                kind: SurveyErrorKind::Empty,
            });
        }
        if self.tally.overall.respondents == 0 {
            return Err(SurveyError {
                line: self.line.max(2),
                kind: SurveyErrorKind::NoResponses,
            });
        }
        Ok(self.tally)
    }
}

/// Parses a whole survey held in memory (tests, small uploads).
pub fn parse_survey(text: &str) -> Result<SurveyTally, SurveyError> {
    let mut parser = SurveyParser::new();
    for line in text.lines() {
        parser.push_line(line)?;
    }
    parser.finish()
}

/// One value: surrounding spaces and one pair of surrounding double quotes removed.
fn field(raw: &str) -> &str {
    let trimmed = raw.trim();
    trimmed
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .map(str::trim)
        .unwrap_or(trimmed)
}

/// One data line (not the header).
pub fn parse_response(text: &str) -> Result<SurveyResponse, SurveyErrorKind> {
    let values: Vec<&str> = text.split(',').map(field).collect();
    let [respondent_id, sex, age, harassed_online, persecuted_offline] = values[..] else {
        return Err(SurveyErrorKind::WrongColumnCount {
            found: values.len(),
        });
    };
    if respondent_id.is_empty()
        || respondent_id.chars().count() > MAX_RESPONDENT_ID_CHARS
        || respondent_id.chars().any(char::is_control)
    {
        return Err(SurveyErrorKind::BadRespondentId {
            value: respondent_id.to_owned(),
        });
    }
    let sex = match sex {
        "f" => Sex::Female,
        "m" => Sex::Male,
        other => {
            return Err(SurveyErrorKind::BadSex {
                value: other.to_owned(),
            });
        }
    };
    let age = parse_age(age)?;
    Ok(SurveyResponse {
        respondent_id: respondent_id.to_owned(),
        sex,
        age,
        harassed_online: parse_answer("harassed_online", harassed_online)?,
        persecuted_offline: parse_answer("persecuted_offline", persecuted_offline)?,
    })
}

fn parse_age(text: &str) -> Result<u32, SurveyErrorKind> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let well_formed =
        !digits.is_empty() && digits.len() <= 6 && digits.bytes().all(|byte| byte.is_ascii_digit());
    let Some(age) = well_formed.then(|| text.parse::<i64>().ok()).flatten() else {
        return Err(SurveyErrorKind::BadAge {
            value: text.to_owned(),
        });
    };
    match u32::try_from(age) {
        Ok(age) if (MIN_AGE..=MAX_AGE).contains(&age) => Ok(age),
        _ => Err(SurveyErrorKind::ImpossibleAge { age }),
    }
}

fn parse_answer(column: &'static str, text: &str) -> Result<bool, SurveyErrorKind> {
    match text {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(SurveyErrorKind::BadAnswer {
            column,
            value: other.to_owned(),
        }),
    }
}

/// The 95% (or any `z`) Wilson score interval for `successes` out of `trials`
/// (Wilson 1927; Newcombe 1998, method 3):
///
/// ```text
/// centre = (p + z²/2n) / (1 + z²/n)
/// half   = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
/// ```
///
/// Unlike the textbook p ± z√(p(1−p)/n), it never leaves [0, 1] and stays
/// honest for small groups and shares near 0 or 1, which is where the
/// breakdowns by sex and age land. `None` when there are no trials or more
/// successes than trials.
pub fn wilson_interval(successes: u64, trials: u64, z: f64) -> Option<(f64, f64)> {
    if trials == 0 || successes > trials {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 (or 1) the bound is exactly 0 (or 1) in exact arithmetic;
    // clamp away the last-bit rounding.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes == trials {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some((low, high))
}

/// A share with its 95% interval; `share` and `ci95` are `null` for an empty group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prevalence {
    pub count: u64,
    pub share: Option<f64>,
    pub ci95: Option<[f64; 2]>,
}

impl Prevalence {
    pub fn of(count: u64, respondents: u64) -> Prevalence {
        let interval = wilson_interval(count, respondents, Z_95);
        Prevalence {
            count,
            share: interval.map(|_| count as f64 / respondents as f64),
            ci95: interval.map(|(low, high)| [low, high]),
        }
    }
}

/// The measures of one group, keyed as API.md names them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measures {
    pub harassed_online: Prevalence,
    pub persecuted_offline: Prevalence,
}

impl Measures {
    fn of(counts: &GroupCounts) -> Measures {
        Measures {
            harassed_online: Prevalence::of(counts.harassed_online, counts.respondents),
            persecuted_offline: Prevalence::of(counts.persecuted_offline, counts.respondents),
        }
    }

    pub fn get(&self, measure: Measure) -> &Prevalence {
        match measure {
            Measure::HarassedOnline => &self.harassed_online,
            Measure::PersecutedOffline => &self.persecuted_offline,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupAnalysis {
    pub respondents: u64,
    pub measures: Measures,
}

impl GroupAnalysis {
    fn of(counts: &GroupCounts) -> GroupAnalysis {
        GroupAnalysis {
            respondents: counts.respondents,
            measures: Measures::of(counts),
        }
    }
}

/// The analysis, serialized exactly as API.md's `qorgau survey analyze --json`:
/// `{"respondents","measures":{…},"by_sex":{"f":…,"m":…},"by_age_group":{"5_9":…}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveyAnalysis {
    pub respondents: u64,
    pub measures: Measures,
    #[serde(serialize_with = "keyed_by_sex")]
    pub by_sex: Vec<(Sex, GroupAnalysis)>,
    /// Every group, in age order, including empty ones (`share: null`).
    #[serde(serialize_with = "keyed_by_age_group")]
    pub by_age_group: Vec<(AgeGroup, GroupAnalysis)>,
}

fn keyed_by_sex<S: Serializer>(
    groups: &[(Sex, GroupAnalysis)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(groups.len()))?;
    for (sex, group) in groups {
        map.serialize_entry(sex.as_str(), group)?;
    }
    map.end()
}

fn keyed_by_age_group<S: Serializer>(
    groups: &[(AgeGroup, GroupAnalysis)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(groups.len()))?;
    for (group, analysis) in groups {
        map.serialize_entry(group.as_str(), analysis)?;
    }
    map.end()
}

/// Shares and intervals from the tallies.
pub fn analyze(tally: &SurveyTally) -> SurveyAnalysis {
    SurveyAnalysis {
        respondents: tally.overall.respondents,
        measures: Measures::of(&tally.overall),
        by_sex: Sex::ALL
            .into_iter()
            .map(|sex| (sex, GroupAnalysis::of(tally.sex(sex))))
            .collect(),
        by_age_group: AgeGroup::ALL
            .into_iter()
            .map(|group| (group, GroupAnalysis::of(tally.age_group(group))))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published Wilson intervals: Newcombe, R. G. (1998), "Two-sided confidence
    /// intervals for the single proportion: comparison of seven methods",
    /// Statistics in Medicine 17, 857–872, Table II, method 3 (score interval
    /// without continuity correction), to four decimals.
    #[test]
    fn wilson_matches_newcombe_1998() {
        let published = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (successes, trials, low, high) in published {
            let (computed_low, computed_high) = wilson_interval(successes, trials, Z_95).unwrap();
            assert!(
                (computed_low - low).abs() < 0.00005 && (computed_high - high).abs() < 0.00005,
                "{successes}/{trials}: computed {computed_low:.4}–{computed_high:.4}, published {low}–{high}"
            );
        }
    }

    #[test]
    fn wilson_edges() {
        assert_eq!(wilson_interval(0, 0, Z_95), None);
        assert_eq!(wilson_interval(3, 2, Z_95), None);
        let (low, high) = wilson_interval(5, 5, Z_95).unwrap();
        assert_eq!(high, 1.0);
        assert!(low > 0.5 && low < 0.6, "{low}");
        let (low, high) = wilson_interval(0, 1, Z_95).unwrap();
        assert_eq!(low, 0.0);
        assert!(high < 1.0);
        // Symmetry: x/n and (n−x)/n mirror each other.
        let (low, high) = wilson_interval(7, 40, Z_95).unwrap();
        let (mirror_low, mirror_high) = wilson_interval(33, 40, Z_95).unwrap();
        assert!((low - (1.0 - mirror_high)).abs() < 1e-12);
        assert!((high - (1.0 - mirror_low)).abs() < 1e-12);
    }

    /// The survey of the seed paper, rebuilt as a file: 1,056 respondents aged
    /// 13–18, 559 girls and 497 boys, 345 harassed through gadgets, 115
    /// persecuted offline. The paper gives no breakdown by sex or age, so the
    /// split below is illustrative (proportional to the group sizes); only the
    /// overall figures are the paper's. docs/statistics.md shows the comparison.
    pub(crate) fn paper_survey_csv() -> String {
        let mut csv = format!("{HEADER}\n");
        // Girls are respondents 0..559, boys 559..1056. Harassed: 183 girls + 162
        // boys = 345; persecuted offline: 61 girls + 54 boys = 115.
        let groups = [
            ("f", 0..559_u32, 183_u32, 61_u32),
            ("m", 559..1056, 162, 54),
        ];
        for (sex, range, harassed, persecuted) in groups {
            let start = range.start;
            for respondent in range {
                let index = respondent - start;
                let age = 13 + respondent % 6;
                let harassed_online = u32::from(index < harassed);
                // Offline persecution mostly comes with online harassment.
                let persecuted_offline = u32::from(index < persecuted);
                csv.push_str(&format!(
                    "r{respondent:04},{sex},{age},{harassed_online},{persecuted_offline}\n"
                ));
            }
        }
        csv
    }

    #[test]
    fn the_papers_survey_is_reproduced() {
        let tally = parse_survey(&paper_survey_csv()).unwrap();
        let analysis = analyze(&tally);
        assert_eq!(analysis.respondents, 1056);
        assert_eq!(tally.sex(Sex::Female).respondents, 559);
        assert_eq!(tally.sex(Sex::Male).respondents, 497);
        let harassed = analysis.measures.harassed_online;
        let persecuted = analysis.measures.persecuted_offline;
        assert_eq!((harassed.count, persecuted.count), (345, 115));
        let percent = |value: f64| (value * 1000.0).round() / 10.0;
        // The paper: "345 people …, which is 32%" — 345/1056 = 32.67%, so the
        // paper truncated rather than rounded.
        assert_eq!(percent(harassed.share.unwrap()), 32.7);
        assert_eq!(
            harassed
                .ci95
                .map(|[low, high]| (percent(low), percent(high))),
            Some((29.9, 35.6))
        );
        // The paper: "115 people – just over 1%". 115/1056 is 10.9%: the paper's
        // "1%" is a slip for "just over 10%" (docs/statistics.md).
        assert_eq!(percent(persecuted.share.unwrap()), 10.9);
        assert_eq!(
            persecuted
                .ci95
                .map(|[low, high]| (percent(low), percent(high))),
            Some((9.2, 12.9))
        );
        // Every respondent is 13–18: the 5–9 group is empty and says so.
        let (group, youngest) = analysis.by_age_group[0];
        assert_eq!(group, AgeGroup::Age5To9);
        assert_eq!(youngest.respondents, 0);
        assert_eq!(youngest.measures.harassed_online.share, None);
        let by_age: u64 = analysis
            .by_age_group
            .iter()
            .map(|(_, group)| group.respondents)
            .sum();
        assert_eq!(by_age, 1056);
    }

    #[test]
    fn the_json_has_the_api_shape() {
        let tally = parse_survey(&format!("{HEADER}\na,f,14,1,0\nb,m,16,0,0\n")).unwrap();
        let json = serde_json::to_value(analyze(&tally)).unwrap();
        assert_eq!(json["respondents"], 2);
        assert_eq!(json["measures"]["harassed_online"]["count"], 1);
        assert_eq!(json["measures"]["harassed_online"]["share"], 0.5);
        assert_eq!(
            json["measures"]["harassed_online"]["ci95"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(json["measures"]["persecuted_offline"]["count"], 0);
        assert_eq!(json["by_sex"]["f"]["respondents"], 1);
        assert_eq!(
            json["by_sex"]["m"]["measures"]["harassed_online"]["share"],
            0.0
        );
        assert_eq!(json["by_age_group"]["14_15"]["respondents"], 1);
        assert!(json["by_age_group"]["5_9"]["measures"]["harassed_online"]["share"].is_null());
        let keys: Vec<&String> = json["by_age_group"].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5);
    }

    /// One malformed file per reason: the line and the code of the refusal.
    fn check(text: &str, line: u64, code: &str) {
        let error = parse_survey(text).unwrap_err();
        assert_eq!(
            (error.line, error.code()),
            (line, code),
            "{text:?}: {error}"
        );
        let message = error.explain();
        assert!(message.id.starts_with("survey-error-"), "{message:?}");
        assert!(
            message.args.iter().any(|(name, _)| *name == "line"),
            "{message:?}"
        );
    }

    #[test]
    fn malformed_files_are_refused_with_the_line_and_the_reason() {
        let ok = "a,f,14,1,0";
        check("", 1, "survey_empty");
        check("\n\n", 1, "survey_empty");
        check(
            "id,sex,age,harassed,persecuted\na,f,14,1,0\n",
            1,
            "survey_wrong_header",
        );
        check(&format!("{ok}\n"), 1, "survey_wrong_header");
        check(&format!("{HEADER}\n"), 2, "survey_no_responses");
        check(
            &format!("{HEADER}\n{ok}\nb,f,14,1\n"),
            3,
            "survey_wrong_column_count",
        );
        check(
            &format!("{HEADER}\n{ok}\nb,f,14,1,0,1\n"),
            3,
            "survey_wrong_column_count",
        );
        check(
            &format!("{HEADER}\n,f,14,1,0\n"),
            2,
            "survey_bad_respondent_id",
        );
        check(
            &format!(
                "{HEADER}\n{}\n",
                format_args!("{},f,14,1,0", "x".repeat(65))
            ),
            2,
            "survey_bad_respondent_id",
        );
        check(
            &format!("{HEADER}\n{ok}\nb,f,14,1,0\n{ok}\n"),
            4,
            "survey_duplicate_respondent",
        );
        check(&format!("{HEADER}\na,F,14,1,0\n"), 2, "survey_bad_sex");
        check(&format!("{HEADER}\na,x,14,1,0\n"), 2, "survey_bad_sex");
        check(
            &format!("{HEADER}\na,f,fourteen,1,0\n"),
            2,
            "survey_bad_age",
        );
        check(&format!("{HEADER}\na,f,14.5,1,0\n"), 2, "survey_bad_age");
        check(&format!("{HEADER}\na,f,,1,0\n"), 2, "survey_bad_age");
        check(
            &format!("{HEADER}\na,f,4,1,0\n"),
            2,
            "survey_impossible_age",
        );
        check(
            &format!("{HEADER}\na,f,26,1,0\n"),
            2,
            "survey_impossible_age",
        );
        check(
            &format!("{HEADER}\na,f,-3,1,0\n"),
            2,
            "survey_impossible_age",
        );
        check(
            &format!("{HEADER}\na,f,140,1,0\n"),
            2,
            "survey_impossible_age",
        );
        check(&format!("{HEADER}\na,f,14,yes,0\n"), 2, "survey_bad_answer");
        check(&format!("{HEADER}\na,f,14,1,2\n"), 2, "survey_bad_answer");
        let mut parser = SurveyParser::new();
        parser.push_bytes(HEADER.as_bytes()).unwrap();
        let error = parser.push_bytes(b"a,f,14,\xff,0").unwrap_err();
        assert_eq!((error.line, error.code()), (2, "survey_not_utf8"));
        let duplicate = parse_survey(&format!("{HEADER}\n{ok}\n\n{ok}\n")).unwrap_err();
        assert_eq!(
            duplicate.kind,
            SurveyErrorKind::DuplicateRespondent {
                respondent_id: "a".into(),
                first_line: 2
            }
        );
        assert_eq!(duplicate.line, 4, "blank lines still count");
    }

    #[test]
    fn spreadsheet_habits_are_tolerated() {
        let text = format!("\u{feff}{HEADER}\r\n\"a\", f ,\"14\",1,0\r\nb,m,25,0,1\r\n\r\n");
        let tally = parse_survey(&text).unwrap();
        assert_eq!(tally.overall.respondents, 2);
        assert_eq!(tally.age_group(AgeGroup::Age18To25).persecuted_offline, 1);
    }

    #[test]
    fn age_groups_cover_every_accepted_age_once() {
        for age in MIN_AGE..=MAX_AGE {
            let group = AgeGroup::of(age);
            let (first, last) = group.range();
            assert!((first..=last).contains(&age), "{age} in {group:?}");
        }
        assert_eq!(AgeGroup::ALL[0].range().0, MIN_AGE);
        assert_eq!(AgeGroup::ALL[4].range().1, MAX_AGE);
    }

    #[test]
    fn streaming_gives_the_same_tallies_as_the_whole_text() {
        let text = paper_survey_csv();
        let mut parser = SurveyParser::new();
        for line in text.split_inclusive('\n') {
            parser.push_line(line).unwrap();
        }
        assert_eq!(parser.finish().unwrap(), parse_survey(&text).unwrap());
    }
}
