//! Abuse signals: help an expert read a long chat faster — never decide.
//!
//! Multilingual lexicons (`data/lexicons/*.toml`, Kazakh, Russian and English)
//! name words and phrases of insult, threat, sexual content, incitement to
//! self-harm, tracking (knowing where the child is or goes, tracking apps)
//! and offline pursuit (coming to the school or the home). Text and terms are
//! matched through one skeleton (`normalize`), so transliteration and the
//! usual dodges (`д.у.р.а.к`, `dur4k`, `cyka`, `дуууурак`) match the entry
//! written once. Detectors add doxxing: Kazakhstan phone numbers, IINs and
//! street addresses posted in a chat (`doxxing`).
//!
//! Every [`SignalMatch`] names the lexicon and entry (or detector) that caused
//! it and the exact span of text, so an expert sees why it is highlighted and
//! can correct the lexicon. There is no score and no threshold here: what a
//! chat means is the expert group's decision.
//!
//! The lexicons are data: an expert adds an entry to a file, and the tests
//! check every file loads (ids unique, languages known, terms non-empty).

mod doxxing;
mod normalize;

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use qorgau_domain::message::{Language, Message};
use qorgau_domain::pursuit::ContactFlags;
use serde::{Deserialize, Serialize};

use crate::{AttachmentKind, ChatMessage};

/// What a signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalCategory {
    Insult,
    Threat,
    Sexual,
    SelfHarm,
    /// Knowledge of the child's location or routine, location sharing,
    /// tracking apps: a sign of monitoring (a pursuit indicator).
    Tracking,
    /// Pursuit reaching into offline life: at the school, at the home.
    Offline,
    /// Personal data posted: a phone number, an IIN, an address.
    Doxxing,
}

impl SignalCategory {
    pub const ALL: [SignalCategory; 7] = [
        SignalCategory::Insult,
        SignalCategory::Threat,
        SignalCategory::Sexual,
        SignalCategory::SelfHarm,
        SignalCategory::Tracking,
        SignalCategory::Offline,
        SignalCategory::Doxxing,
    ];

    /// The name in lexicon files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SignalCategory::Insult => "insult",
            SignalCategory::Threat => "threat",
            SignalCategory::Sexual => "sexual",
            SignalCategory::SelfHarm => "self_harm",
            SignalCategory::Tracking => "tracking",
            SignalCategory::Offline => "offline",
            SignalCategory::Doxxing => "doxxing",
        }
    }

    /// The Fluent message naming the category (`locales/*/chat.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            SignalCategory::Insult => "chat-signal-insult",
            SignalCategory::Threat => "chat-signal-threat",
            SignalCategory::Sexual => "chat-signal-sexual",
            SignalCategory::SelfHarm => "chat-signal-self-harm",
            SignalCategory::Tracking => "chat-signal-tracking",
            SignalCategory::Offline => "chat-signal-offline",
            SignalCategory::Doxxing => "chat-signal-doxxing",
        }
    }

    fn from_name(name: &str) -> Option<SignalCategory> {
        SignalCategory::ALL
            .into_iter()
            .find(|category| category.as_str() == name)
    }
}

/// How a term's words meet the text's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// The text's word starts with the term's word: `дурак` matches `дураки`.
    /// The default; Kazakh and Russian words take endings.
    Stem,
    /// The words are equal: for short terms (`лох`) that begin other words.
    Word,
}

/// One entry of a lexicon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LexiconEntry {
    /// The file's name without `.toml`: `threats`.
    pub lexicon: String,
    pub category: SignalCategory,
    /// Unique within its file: `ru-ubyu`.
    pub id: String,
    pub language: Language,
    /// The term as the lexicon writes it.
    pub term: String,
    pub mode: MatchMode,
    pub note: Option<String>,
}

/// A term's words as skeletons, for one entry (an entry has its term and
/// the spellings in `also`).
#[derive(Debug)]
struct Pattern {
    entry: usize,
    words: Vec<String>,
}

/// The lexicons, ready to match.
#[derive(Debug)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    patterns: Vec<Pattern>,
    /// Patterns by the first character of their first word's skeleton.
    by_first: HashMap<char, Vec<usize>>,
}

/// A lexicon file that cannot be used: the file, the entry and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LexiconError {
    pub file: String,
    pub entry: Option<String>,
    pub reason: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(
                formatter,
                "lexicon {}, entry `{entry}`: {}",
                self.file, self.reason
            ),
            None => write!(formatter, "lexicon {}: {}", self.file, self.reason),
        }
    }
}

/// `(file name, contents)` of the lexicons in `data/lexicons/`.
pub const LEXICON_FILES: &[(&str, &str)] = &[
    (
        "insults.toml",
        include_str!("../../../data/lexicons/insults.toml"),
    ),
    (
        "threats.toml",
        include_str!("../../../data/lexicons/threats.toml"),
    ),
    (
        "sexual.toml",
        include_str!("../../../data/lexicons/sexual.toml"),
    ),
    (
        "self_harm.toml",
        include_str!("../../../data/lexicons/self_harm.toml"),
    ),
    (
        "tracking.toml",
        include_str!("../../../data/lexicons/tracking.toml"),
    ),
    (
        "offline.toml",
        include_str!("../../../data/lexicons/offline.toml"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    category: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    entry: Vec<EntryFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFile {
    id: String,
    language: String,
    term: String,
    /// Other spellings the normalizer does not derive (another word form).
    #[serde(default)]
    also: Vec<String>,
    #[serde(default, rename = "match")]
    mode: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// The lexicon a running process reads, once [`Lexicon::install`] set it.
static INSTALLED: OnceLock<Lexicon> = OnceLock::new();

impl Lexicon {
    /// The lexicon in force: the one [`Lexicon::install`] set at start (the
    /// experts' folder with the files compiled in), else the files compiled
    /// in from `data/lexicons/`. The tests load those, so an error here means
    /// a build that skipped the tests.
    pub fn embedded() -> Result<&'static Lexicon, &'static LexiconError> {
        if let Some(installed) = INSTALLED.get() {
            return Ok(installed);
        }
        static EMBEDDED: OnceLock<Result<Lexicon, LexiconError>> = OnceLock::new();
        EMBEDDED
            .get_or_init(|| Lexicon::from_files(LEXICON_FILES))
            .as_ref()
    }

    /// Experts extend the lexicons without a new build: `extra` holds the
    /// `(file name, contents)` of the files they keep (the binary reads their
    /// folder: this crate does no file I/O), loaded beside the files compiled
    /// in, a file named like a compiled-in one (`insults.toml`) replacing it.
    /// The whole set is checked here, so a broken file is refused at start
    /// naming the file and the entry. Called once, before the first scan.
    pub fn install(extra: &[(String, String)]) -> Result<&'static Lexicon, LexiconError> {
        let refused = |reason: &str| LexiconError {
            file: "lexicons".to_owned(),
            entry: None,
            reason: reason.to_owned(),
        };
        let mut extra: Vec<&(String, String)> = extra.iter().collect();
        // In name order, so the same folder gives the same lexicon everywhere.
        extra.sort();
        let mut files: Vec<(&str, &str)> = LEXICON_FILES
            .iter()
            .filter(|(name, _)| !extra.iter().any(|(other, _)| other == name))
            .copied()
            .collect();
        files.extend(
            extra
                .iter()
                .map(|(name, contents)| (name.as_str(), contents.as_str())),
        );
        let lexicon = Lexicon::from_files(&files)?;
        INSTALLED
            .set(lexicon)
            .map_err(|_| refused("the lexicons were already installed"))?;
        INSTALLED
            .get()
            .ok_or_else(|| refused("the lexicons were not installed"))
    }

    /// Loads lexicons from `(file name, contents)` pairs.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Lexicon, LexiconError> {
        let mut lexicon = Lexicon {
            entries: Vec::new(),
            patterns: Vec::new(),
            by_first: HashMap::new(),
        };
        for (file, contents) in files {
            lexicon.load(file, contents)?;
        }
        for (index, pattern) in lexicon.patterns.iter().enumerate() {
            if let Some(first) = pattern.words.first().and_then(|word| word.chars().next()) {
                lexicon.by_first.entry(first).or_default().push(index);
            }
        }
        Ok(lexicon)
    }

    fn load(&mut self, file: &str, contents: &str) -> Result<(), LexiconError> {
        let error = |entry: Option<&str>, reason: String| LexiconError {
            file: file.to_owned(),
            entry: entry.map(str::to_owned),
            reason,
        };
        let parsed: LexiconFile =
            toml::from_str(contents).map_err(|toml_error| error(None, toml_error.to_string()))?;
        let _ = parsed.note;
        let category = SignalCategory::from_name(&parsed.category)
            .filter(|category| *category != SignalCategory::Doxxing)
            .ok_or_else(|| {
                error(
                    None,
                    format!(
                        "unknown category `{}`; expected insult, threat, sexual, self_harm, tracking or offline",
                        parsed.category
                    ),
                )
            })?;
        let lexicon_name = file.strip_suffix(".toml").unwrap_or(file).to_owned();
        let first_entry = self.entries.len();
        for entry in parsed.entry {
            let id = entry.id.trim();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(error(
                    Some(id),
                    "an id is lower-case letters, digits and dashes".to_owned(),
                ));
            }
            if self.entries[first_entry..]
                .iter()
                .any(|existing| existing.id == id)
            {
                return Err(error(Some(id), "the id is used twice".to_owned()));
            }
            let language = match entry.language.as_str() {
                "kk" => Language::Kk,
                "ru" => Language::Ru,
                "en" => Language::En,
                other => {
                    return Err(error(
                        Some(id),
                        format!("language `{other}`: expected kk, ru or en"),
                    ));
                }
            };
            let mode = match entry.mode.as_deref() {
                None | Some("stem") => MatchMode::Stem,
                Some("word") => MatchMode::Word,
                Some(other) => {
                    return Err(error(
                        Some(id),
                        format!("match `{other}`: expected stem or word"),
                    ));
                }
            };
            let entry_index = self.entries.len();
            for spelling in std::iter::once(&entry.term).chain(&entry.also) {
                let words = normalize::term_words(spelling);
                if words.is_empty() || words.iter().any(String::is_empty) {
                    return Err(error(
                        Some(id),
                        format!("`{spelling}` has no letters to match"),
                    ));
                }
                // A stem of one or two letters would match half of any chat; in
                // a phrase the other words narrow it down.
                let letters: usize = words.iter().map(|word| word.chars().count()).sum();
                let too_short = match words.len() {
                    1 => letters < 3,
                    _ => letters < 6,
                };
                if mode == MatchMode::Stem && too_short {
                    return Err(error(
                        Some(id),
                        format!(
                            "`{spelling}` is too short to match as a stem: use match = \"word\""
                        ),
                    ));
                }
                self.patterns.push(Pattern {
                    entry: entry_index,
                    words,
                });
            }
            self.entries.push(LexiconEntry {
                lexicon: lexicon_name.clone(),
                category,
                id: id.to_owned(),
                language,
                term: entry.term.trim().to_owned(),
                mode,
                note: entry.note,
            });
        }
        Ok(())
    }

    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// Every signal in `text`, in order of position.
    pub fn find(&self, text: &str) -> Vec<SignalMatch> {
        let tokens = normalize::tokens(text);
        let mut found: Vec<SignalMatch> = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            for skeleton in token.skeletons() {
                let Some(first) = skeleton.chars().next() else {
                    continue;
                };
                let Some(candidates) = self.by_first.get(&first) else {
                    continue;
                };
                for pattern in candidates
                    .iter()
                    .map(|candidate| &self.patterns[*candidate])
                {
                    let entry = &self.entries[pattern.entry];
                    let Some(last) = index.checked_add(pattern.words.len() - 1) else {
                        continue;
                    };
                    if last >= tokens.len() {
                        continue;
                    }
                    let matches = pattern.words.iter().enumerate().all(|(offset, word)| {
                        tokens[index + offset]
                            .skeletons()
                            .any(|candidate| match entry.mode {
                                MatchMode::Stem => candidate.starts_with(word.as_str()),
                                MatchMode::Word => candidate == word,
                            })
                    });
                    if !matches {
                        continue;
                    }
                    let signal = SignalMatch {
                        category: entry.category,
                        lexicon: entry.lexicon.clone(),
                        entry: entry.id.clone(),
                        term: entry.term.clone(),
                        start: token.start,
                        end: tokens[last].end,
                    };
                    if !found.contains(&signal) {
                        found.push(signal);
                    }
                }
            }
        }
        for detected in doxxing::find(text) {
            found.push(SignalMatch {
                category: SignalCategory::Doxxing,
                lexicon: "doxxing".to_owned(),
                entry: detected.detector.to_owned(),
                term: detected.detector.to_owned(),
                start: detected.start,
                end: detected.end,
            });
        }
        found.sort_by_key(|signal| (signal.start, signal.end));
        found
    }
}

/// A highlighted span and the lexicon entry (or detector) that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalMatch {
    pub category: SignalCategory,
    /// The lexicon file (`threats`) or `doxxing`.
    pub lexicon: String,
    /// The entry's id (`ru-ubyu`) or the detector (`kz-phone`, `iin`,
    /// `address-ru`).
    pub entry: String,
    /// The entry's term as the lexicon writes it (the detector for doxxing).
    pub term: String,
    /// Byte offsets of the matched text in the message.
    pub start: usize,
    pub end: usize,
}

impl SignalMatch {
    /// The matched text, as written in `text` (the message it was found in).
    pub fn matched<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or_default()
    }

    /// `lexicon/entry`, the name shown beside a highlight.
    pub fn source(&self) -> String {
        format!("{}/{}", self.lexicon, self.entry)
    }

    pub fn explain(&self) -> Message {
        Message::new("chat-signal-match")
            .with("category", self.category.as_str())
            .with("source", self.source())
            .with("term", self.term.as_str())
    }
}

/// The pursuit flags a message carries, for `qorgau_domain::pursuit`: a shared
/// location or a tracking signal is a sign of monitoring, an offline signal of
/// pursuit spilling into offline life. `unwanted` is the expert's call (they
/// marked the sender as the actor); nothing here decides it.
pub fn contact_flags(
    message: &ChatMessage,
    signals: &[SignalMatch],
    unwanted: bool,
) -> ContactFlags {
    let shares_location = message.attachments.iter().any(|attachment| {
        matches!(
            attachment.kind,
            AttachmentKind::Location | AttachmentKind::LiveLocation
        )
    });
    ContactFlags {
        unwanted,
        monitoring: shares_location
            || signals
                .iter()
                .any(|signal| signal.category == SignalCategory::Tracking),
        offline: signals
            .iter()
            .any(|signal| signal.category == SignalCategory::Offline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> &'static Lexicon {
        match Lexicon::embedded() {
            Ok(lexicon) => lexicon,
            Err(error) => panic!("{error}"),
        }
    }

    /// `expected`: `(matched text, lexicon/entry)` in order.
    fn check(text: &str, expected: &[(&str, &str)]) {
        let actual: Vec<(String, String)> = lexicon()
            .find(text)
            .iter()
            .map(|signal| (signal.matched(text).to_owned(), signal.source()))
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(matched, source)| ((*matched).to_owned(), (*source).to_owned()))
            .collect();
        assert_eq!(actual, expected, "{text:?}");
    }

    #[test]
    fn every_lexicon_loads_and_covers_three_languages() {
        let lexicon = lexicon();
        for category in SignalCategory::ALL {
            if category == SignalCategory::Doxxing {
                continue;
            }
            for language in Language::ALL {
                assert!(
                    lexicon
                        .entries()
                        .iter()
                        .any(|entry| entry.category == category && entry.language == language),
                    "{category:?} has no {language:?} entry"
                );
            }
        }
    }

    #[test]
    fn insults_through_obfuscation() {
        check("ты дурак", &[("дурак", "insults/ru-durak")]);
        check("ты д.у.р.а.к", &[("д.у.р.а.к", "insults/ru-durak")]);
        check("ты ДУРАКИ", &[("ДУРАКИ", "insults/ru-durak")]);
        check("ty durak", &[("durak", "insults/ru-durak")]);
        check("you are an 1d10t", &[("1d10t", "insults/en-idiot")]);
        check("сен ақымақсың", &[("ақымақсың", "insults/kk-akymak")]);
        check("sen aqymaqsyn", &[("aqymaqsyn", "insults/kk-akymak")]);
    }

    #[test]
    fn threats_self_harm_sexual_tracking_offline() {
        check("я тебя убью", &[("убью", "threats/ru-ubyu")]);
        check("I will kill you", &[("kill you", "threats/en-kill-you")]);
        check("сені өлтіремін", &[("өлтіремін", "threats/kk-oltiremin")]);
        check("убей себя", &[("убей себя", "self_harm/ru-ubey-sebya")]);
        check(
            "go kill yourself",
            &[("kill yourself", "self_harm/en-kill-yourself")],
        );
        check(
            "өзіңді өлтір",
            &[("өзіңді өлтір", "self_harm/kk-ozindi-oltir")],
        );
        check("send nudes", &[("nudes", "sexual/en-nudes")]);
        check(
            "я знаю где ты живешь",
            &[("знаю где ты живешь", "tracking/ru-znayu-gde-zhivesh")],
        );
        check("I installed mSpy", &[("mSpy", "tracking/en-mspy")]);
        check(
            "жду тебя у школы",
            &[("жду тебя у школы", "offline/ru-zhdu-u-shkoly")],
        );
    }

    #[test]
    fn doxxing_is_found_with_its_detector() {
        check(
            "её номер +7 701 123 45 67, ул. Абая 15",
            &[
                ("+7 701 123 45 67", "doxxing/kz-phone"),
                ("ул. Абая 15", "doxxing/address-ru"),
            ],
        );
    }

    #[test]
    fn ordinary_talk_is_quiet() {
        check("привет, как дела? завтра контрольная по математике", &[]);
        check("сәлем, қалайсың? ертең сабақ бар", &[]);
        check("hi, see you at the lesson tomorrow", &[]);
    }

    #[test]
    fn bad_lexicons_are_refused_with_the_entry() {
        let refused = |contents: &str| {
            Lexicon::from_files(&[("test.toml", contents)])
                .err()
                .map(|error| error.to_string())
        };
        assert_eq!(
            refused("category = \"gossip\"\n"),
            Some("lexicon test.toml: unknown category `gossip`; expected insult, threat, sexual, self_harm, tracking or offline".to_owned())
        );
        assert_eq!(
            refused(
                "category = \"insult\"\n[[entry]]\nid = \"a\"\nlanguage = \"de\"\nterm = \"dumm\"\n"
            ),
            Some("lexicon test.toml, entry `a`: language `de`: expected kk, ru or en".to_owned())
        );
        assert_eq!(
            refused("category = \"insult\"\n[[entry]]\nid = \"a\"\nlanguage = \"ru\"\nterm = \"ты\"\n"),
            Some("lexicon test.toml, entry `a`: `ты` is too short to match as a stem: use match = \"word\"".to_owned())
        );
        assert!(
            refused("category = \"insult\"\n[[entry]]\nid = \"a\"\nlanguage = \"ru\"\nterm = \"дурак\"\ncolour = 1\n")
                .is_some_and(|error| error.contains("unknown field"))
        );
    }
}
