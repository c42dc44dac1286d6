//! Case categories, the signs of a crime, and where both sit in the EU DSA
//! statement-of-reasons taxonomy.
//!
//! Kazakh law knows one category: cyberbullying of a child (Law "On mass media",
//! 1999 Art. 18-4, 2024 Art. 40). Qorgau separates cyberstalking (persistent
//! pursuit, tracking, monitoring) and cases with signs of a crime, because they
//! need a different answer (PRODUCT.md: "Cyberbullying and cyberstalking are
//! different things", "Escalation beyond removal").
//!
//! The DSA Transparency Database (API v2, July 2025 taxonomy) already separates
//! "cyber bullying and intimidation" from "cyber stalking", "grooming / sexual
//! enticement of minors" and "non-consensual intimate material sharing", so a
//! decision exports as `category` + `category_specification` keywords that
//! platforms and regulators already use. The identifiers below are the API's
//! exact strings (digital-services-act/transparency-database, API documentation
//! "Category" and "Category Specification").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The category of a case, as decided by the expert group's votes.
///
/// The serde names (`cyberbullying`, `cyberstalking`, `criminal`, `none`) are part
/// of the public API: never rename them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Attacks on a child's honour and dignity, committed two or more times,
    /// publicly or through mass media / telecommunication networks.
    Cyberbullying,
    /// Obsessive, persistent pursuit, tracking or monitoring of a child online.
    Cyberstalking,
    /// Signs of a crime (see [`CriminalIndicator`]): the case goes to a
    /// law-enforcement referral as well as to removal.
    Criminal,
    /// No category: the facts were not confirmed.
    None,
}

/// Signs of a crime that route a case to law enforcement (PRODUCT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriminalIndicator {
    IncitementToSuicideOrSelfHarm,
    SexualCoercionOrGrooming,
    ThreatToLifeOrHealth,
    DisclosureOfPrivateOrFamilySecrets,
}

/// A string that names no category or indicator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{input}`; expected one of: {expected}")]
pub struct UnknownName {
    /// `category` or `criminal indicator`.
    pub what: &'static str,
    pub input: String,
    pub expected: String,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Cyberbullying,
        Category::Cyberstalking,
        Category::Criminal,
        Category::None,
    ];

    /// The API name (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cyberbullying => "cyberbullying",
            Category::Cyberstalking => "cyberstalking",
            Category::Criminal => "criminal",
            Category::None => "none",
        }
    }

    /// The Fluent message naming the category (`locales/*/regime.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            Category::Cyberbullying => "category-cyberbullying",
            Category::Cyberstalking => "category-cyberstalking",
            Category::Criminal => "category-criminal",
            Category::None => "category-none",
        }
    }

    /// Severity: criminal > cyberstalking > cyberbullying > none. Used to break
    /// ties between equally common categories in a group decision: when experts
    /// disagree evenly, the case is handled as the graver one, so that a possible
    /// crime is never downgraded by a split vote.
    pub fn severity(self) -> u8 {
        match self {
            Category::None => 0,
            Category::Cyberbullying => 1,
            Category::Cyberstalking => 2,
            Category::Criminal => 3,
        }
    }

    /// The graver of two categories.
    pub fn graver(self, other: Category) -> Category {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// The DSA classification of the category itself; `None` for
    /// [`Category::None`] (nothing was restricted, so nothing is exported).
    ///
    /// A criminal case arrives through the cyberbullying procedure, so its base
    /// classification is cyber bullying and intimidation; its indicators add their
    /// own (see [`dsa_statement`]).
    pub fn dsa(self) -> Option<DsaClassification> {
        match self {
            Category::Cyberbullying | Category::Criminal => Some(DsaClassification {
                category: dsa::STATEMENT_CATEGORY_CYBER_VIOLENCE,
                keywords: &[dsa::KEYWORD_CYBER_BULLYING_INTIMIDATION],
                keyword_other: None,
            }),
            Category::Cyberstalking => Some(DsaClassification {
                category: dsa::STATEMENT_CATEGORY_CYBER_VIOLENCE,
                keywords: &[dsa::KEYWORD_CYBER_STALKING],
                keyword_other: None,
            }),
            Category::None => None,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = UnknownName;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|category| category.as_str() == input)
            .ok_or_else(|| UnknownName {
                what: "category",
                input: input.to_owned(),
                expected: join_names(Category::ALL.map(Category::as_str)),
            })
    }
}

impl CriminalIndicator {
    pub const ALL: [CriminalIndicator; 4] = [
        CriminalIndicator::IncitementToSuicideOrSelfHarm,
        CriminalIndicator::SexualCoercionOrGrooming,
        CriminalIndicator::ThreatToLifeOrHealth,
        CriminalIndicator::DisclosureOfPrivateOrFamilySecrets,
    ];

    /// The API name (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            CriminalIndicator::IncitementToSuicideOrSelfHarm => {
                "incitement_to_suicide_or_self_harm"
            }
            CriminalIndicator::SexualCoercionOrGrooming => "sexual_coercion_or_grooming",
            CriminalIndicator::ThreatToLifeOrHealth => "threat_to_life_or_health",
            CriminalIndicator::DisclosureOfPrivateOrFamilySecrets => {
                "disclosure_of_private_or_family_secrets"
            }
        }
    }

    /// The Fluent message naming the indicator (`locales/*/regime.ftl`).
    pub fn message_id(self) -> &'static str {
        match self {
            CriminalIndicator::IncitementToSuicideOrSelfHarm => {
                "criminal-indicator-incitement-to-suicide-or-self-harm"
            }
            CriminalIndicator::SexualCoercionOrGrooming => {
                "criminal-indicator-sexual-coercion-or-grooming"
            }
            CriminalIndicator::ThreatToLifeOrHealth => {
                "criminal-indicator-threat-to-life-or-health"
            }
            CriminalIndicator::DisclosureOfPrivateOrFamilySecrets => {
                "criminal-indicator-disclosure-of-private-or-family-secrets"
            }
        }
    }

    /// The DSA classification of the indicator.
    ///
    /// - Incitement to suicide or self-harm → Self-harm / Suicide + Self-mutilation
    ///   (the indicator covers both; the taxonomy keeps them apart).
    /// - Sexual coercion or grooming → Protection of minors / Grooming or sexual
    ///   enticement of minors. Intimate images of a child are child sexual abuse
    ///   material in the DSA taxonomy, never "non-consensual image sharing", whose
    ///   keyword explicitly excludes content depicting minors.
    /// - Threat to life or health → Violence / Other: the taxonomy has no keyword
    ///   for a threat addressed to one person ("incitement to violence" means
    ///   general calls), so the keyword is `KEYWORD_OTHER` with a specification.
    /// - Disclosure of private or family secrets → Data protection and privacy
    ///   violations / Other, for the same reason.
    pub fn dsa(self) -> DsaClassification {
        match self {
            CriminalIndicator::IncitementToSuicideOrSelfHarm => DsaClassification {
                category: dsa::STATEMENT_CATEGORY_SELF_HARM,
                keywords: &[dsa::KEYWORD_SUICIDE, dsa::KEYWORD_SELF_MUTILATION],
                keyword_other: None,
            },
            CriminalIndicator::SexualCoercionOrGrooming => DsaClassification {
                category: dsa::STATEMENT_CATEGORY_PROTECTION_OF_MINORS,
                keywords: &[dsa::KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS],
                keyword_other: None,
            },
            CriminalIndicator::ThreatToLifeOrHealth => DsaClassification {
                category: dsa::STATEMENT_CATEGORY_VIOLENCE,
                keywords: &[dsa::KEYWORD_OTHER],
                keyword_other: Some("Threat to the life or health of a child"),
            },
            CriminalIndicator::DisclosureOfPrivateOrFamilySecrets => DsaClassification {
                category: dsa::STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS,
                keywords: &[dsa::KEYWORD_OTHER],
                keyword_other: Some("Disclosure of private or family secrets of a child"),
            },
        }
    }
}

impl fmt::Display for CriminalIndicator {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for CriminalIndicator {
    type Err = UnknownName;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        CriminalIndicator::ALL
            .into_iter()
            .find(|indicator| indicator.as_str() == input)
            .ok_or_else(|| UnknownName {
                what: "criminal indicator",
                input: input.to_owned(),
                expected: join_names(CriminalIndicator::ALL.map(CriminalIndicator::as_str)),
            })
    }
}

fn join_names<const N: usize>(names: [&str; N]) -> String {
    names.join(", ")
}

/// One DSA statement category with its keywords (`category_specification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DsaClassification {
    /// A `STATEMENT_CATEGORY_…` identifier.
    pub category: &'static str,
    /// `KEYWORD_…` identifiers, never empty.
    pub keywords: &'static [&'static str],
    /// The text for `category_specification_other` when `keywords` holds
    /// `KEYWORD_OTHER`.
    pub keyword_other: Option<&'static str>,
}

/// The category fields of a DSA statement of reasons for one decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsaStatementCategories {
    /// `category`.
    pub category: &'static str,
    /// `category_addition`: further categories, without the main one.
    pub category_addition: Vec<&'static str>,
    /// `category_specification`: every keyword, without duplicates.
    pub category_specification: Vec<&'static str>,
    /// `category_specification_other`, when `KEYWORD_OTHER` is among the keywords.
    pub category_specification_other: Option<String>,
}

/// The DSA category fields for a decided case: `None` when nothing was
/// confirmed. For a criminal case the main category is that of its first
/// indicator (in [`CriminalIndicator::ALL`] order) and the cyberbullying base is
/// an addition; for other categories the indicators are additions.
pub fn dsa_statement(
    category: Category,
    indicators: &[CriminalIndicator],
) -> Option<DsaStatementCategories> {
    let base = category.dsa()?;
    let mut ordered_indicators: Vec<CriminalIndicator> = CriminalIndicator::ALL
        .into_iter()
        .filter(|indicator| indicators.contains(indicator))
        .collect();
    ordered_indicators.dedup();
    let mut classifications: Vec<DsaClassification> = ordered_indicators
        .iter()
        .map(|indicator| indicator.dsa())
        .collect();
    if category == Category::Criminal && !classifications.is_empty() {
        classifications.push(base);
    } else {
        classifications.insert(0, base);
    }

    let main = classifications[0].category;
    let mut statement = DsaStatementCategories {
        category: main,
        category_addition: Vec::new(),
        category_specification: Vec::new(),
        category_specification_other: None,
    };
    let mut other_texts: Vec<&'static str> = Vec::new();
    for classification in &classifications {
        if classification.category != main
            && !statement
                .category_addition
                .contains(&classification.category)
        {
            statement.category_addition.push(classification.category);
        }
        for keyword in classification.keywords {
            if !statement.category_specification.contains(keyword) {
                statement.category_specification.push(keyword);
            }
        }
        if let Some(text) = classification.keyword_other
            && !other_texts.contains(&text)
        {
            other_texts.push(text);
        }
    }
    if !other_texts.is_empty() {
        statement.category_specification_other = Some(other_texts.join("; "));
    }
    Some(statement)
}

/// The DSA Transparency Database identifiers Qorgau uses (API v2 taxonomy).
pub mod dsa {
    pub const STATEMENT_CATEGORY_CYBER_VIOLENCE: &str = "STATEMENT_CATEGORY_CYBER_VIOLENCE";
    pub const STATEMENT_CATEGORY_PROTECTION_OF_MINORS: &str =
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS";
    pub const STATEMENT_CATEGORY_SELF_HARM: &str = "STATEMENT_CATEGORY_SELF_HARM";
    pub const STATEMENT_CATEGORY_VIOLENCE: &str = "STATEMENT_CATEGORY_VIOLENCE";
    pub const STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS: &str =
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS";

    /// "Cyber bullying and intimidation".
    pub const KEYWORD_CYBER_BULLYING_INTIMIDATION: &str = "KEYWORD_CYBER_BULLYING_INTIMIDATION";
    /// "Cyber stalking".
    pub const KEYWORD_CYBER_STALKING: &str = "KEYWORD_CYBER_STALKING";
    /// "Grooming/sexual enticement of minors".
    pub const KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS: &str =
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS";
    /// "Suicide".
    pub const KEYWORD_SUICIDE: &str = "KEYWORD_SUICIDE";
    /// "Self-mutilation".
    pub const KEYWORD_SELF_MUTILATION: &str = "KEYWORD_SELF_MUTILATION";
    /// "Not captured by any other keyword"; requires `category_specification_other`.
    pub const KEYWORD_OTHER: &str = "KEYWORD_OTHER";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_category_name(input: &str, expected: Result<Category, ()>) {
        let parsed = input.parse::<Category>().map_err(|_| ());
        assert_eq!(parsed, expected, "parsing {input:?}");
        if let Ok(category) = parsed {
            assert_eq!(category.to_string(), input);
            let json = serde_json::to_string(&category).expect("serializes");
            assert_eq!(
                json,
                format!("\"{input}\""),
                "the serde name is the API name"
            );
        }
    }

    #[test]
    fn category_names_are_the_api() {
        check_category_name("cyberbullying", Ok(Category::Cyberbullying));
        check_category_name("cyberstalking", Ok(Category::Cyberstalking));
        check_category_name("criminal", Ok(Category::Criminal));
        check_category_name("none", Ok(Category::None));
        check_category_name("Cyberbullying", Err(()));
        check_category_name("bullying", Err(()));
        check_category_name("", Err(()));
    }

    fn check_indicator_name(input: &str, expected: Result<CriminalIndicator, ()>) {
        let parsed = input.parse::<CriminalIndicator>().map_err(|_| ());
        assert_eq!(parsed, expected, "parsing {input:?}");
        if let Ok(indicator) = parsed {
            let json = serde_json::to_string(&indicator).expect("serializes");
            assert_eq!(json, format!("\"{input}\""));
        }
    }

    #[test]
    fn criminal_indicator_names_round_trip() {
        check_indicator_name(
            "incitement_to_suicide_or_self_harm",
            Ok(CriminalIndicator::IncitementToSuicideOrSelfHarm),
        );
        check_indicator_name(
            "sexual_coercion_or_grooming",
            Ok(CriminalIndicator::SexualCoercionOrGrooming),
        );
        check_indicator_name(
            "threat_to_life_or_health",
            Ok(CriminalIndicator::ThreatToLifeOrHealth),
        );
        check_indicator_name(
            "disclosure_of_private_or_family_secrets",
            Ok(CriminalIndicator::DisclosureOfPrivateOrFamilySecrets),
        );
        check_indicator_name("grooming", Err(()));
    }

    #[test]
    fn unknown_name_lists_the_choices() {
        let error = "stalking".parse::<Category>().expect_err("not a category");
        assert_eq!(
            error.to_string(),
            "unknown category `stalking`; expected one of: cyberbullying, cyberstalking, criminal, none"
        );
    }

    #[test]
    fn severity_orders_criminal_first() {
        let mut categories = Category::ALL.to_vec();
        categories.sort_by_key(|category| std::cmp::Reverse(category.severity()));
        assert_eq!(
            categories,
            [
                Category::Criminal,
                Category::Cyberstalking,
                Category::Cyberbullying,
                Category::None
            ]
        );
        assert_eq!(
            Category::Cyberbullying.graver(Category::Criminal),
            Category::Criminal
        );
        assert_eq!(
            Category::Cyberstalking.graver(Category::Cyberbullying),
            Category::Cyberstalking
        );
    }

    fn check_dsa(category: Category, expected: Option<(&str, &[&str])>) {
        let actual = category
            .dsa()
            .map(|classification| (classification.category, classification.keywords));
        assert_eq!(actual, expected, "{category}");
    }

    #[test]
    fn categories_map_to_dsa() {
        check_dsa(
            Category::Cyberbullying,
            Some((
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                &["KEYWORD_CYBER_BULLYING_INTIMIDATION"],
            )),
        );
        check_dsa(
            Category::Cyberstalking,
            Some((
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                &["KEYWORD_CYBER_STALKING"],
            )),
        );
        check_dsa(
            Category::Criminal,
            Some((
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                &["KEYWORD_CYBER_BULLYING_INTIMIDATION"],
            )),
        );
        check_dsa(Category::None, None);
    }

    fn check_indicator_dsa(indicator: CriminalIndicator, category: &str, keywords: &[&str]) {
        let classification = indicator.dsa();
        assert_eq!(classification.category, category, "{indicator}");
        assert_eq!(classification.keywords, keywords, "{indicator}");
        assert_eq!(
            classification.keyword_other.is_some(),
            keywords.contains(&dsa::KEYWORD_OTHER),
            "{indicator}: KEYWORD_OTHER needs its specification and only it"
        );
    }

    #[test]
    fn indicators_map_to_dsa_keywords() {
        check_indicator_dsa(
            CriminalIndicator::IncitementToSuicideOrSelfHarm,
            "STATEMENT_CATEGORY_SELF_HARM",
            &["KEYWORD_SUICIDE", "KEYWORD_SELF_MUTILATION"],
        );
        check_indicator_dsa(
            CriminalIndicator::SexualCoercionOrGrooming,
            "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
            &["KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS"],
        );
        check_indicator_dsa(
            CriminalIndicator::ThreatToLifeOrHealth,
            "STATEMENT_CATEGORY_VIOLENCE",
            &["KEYWORD_OTHER"],
        );
        check_indicator_dsa(
            CriminalIndicator::DisclosureOfPrivateOrFamilySecrets,
            "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
            &["KEYWORD_OTHER"],
        );
    }

    /// (category, additional categories, keywords, other-keyword text)
    type ExpectedStatement<'a> = (&'a str, &'a [&'a str], &'a [&'a str], Option<&'a str>);

    fn check_statement(
        category: Category,
        indicators: &[CriminalIndicator],
        expected: Option<ExpectedStatement<'_>>,
    ) {
        let actual = dsa_statement(category, indicators);
        let actual = actual.as_ref().map(|statement| {
            (
                statement.category,
                statement.category_addition.as_slice(),
                statement.category_specification.as_slice(),
                statement.category_specification_other.as_deref(),
            )
        });
        assert_eq!(actual, expected, "{category} with {indicators:?}");
    }

    #[test]
    fn dsa_statement_combines_indicators() {
        check_statement(
            Category::None,
            &[CriminalIndicator::ThreatToLifeOrHealth],
            None,
        );
        check_statement(
            Category::Cyberstalking,
            &[],
            Some((
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                &[],
                &["KEYWORD_CYBER_STALKING"],
                None,
            )),
        );
        check_statement(
            Category::Criminal,
            &[],
            Some((
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                &[],
                &["KEYWORD_CYBER_BULLYING_INTIMIDATION"],
                None,
            )),
        );
        check_statement(
            Category::Criminal,
            &[
                CriminalIndicator::SexualCoercionOrGrooming,
                CriminalIndicator::IncitementToSuicideOrSelfHarm,
            ],
            Some((
                "STATEMENT_CATEGORY_SELF_HARM",
                &[
                    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
                    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                ],
                &[
                    "KEYWORD_SUICIDE",
                    "KEYWORD_SELF_MUTILATION",
                    "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",
                    "KEYWORD_CYBER_BULLYING_INTIMIDATION",
                ],
                None,
            )),
        );
        check_statement(
            Category::Criminal,
            &[
                CriminalIndicator::DisclosureOfPrivateOrFamilySecrets,
                CriminalIndicator::ThreatToLifeOrHealth,
                CriminalIndicator::ThreatToLifeOrHealth,
            ],
            Some((
                "STATEMENT_CATEGORY_VIOLENCE",
                &[
                    "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
                    "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                ],
                &["KEYWORD_OTHER", "KEYWORD_CYBER_BULLYING_INTIMIDATION"],
                Some(
                    "Threat to the life or health of a child; Disclosure of private or family secrets of a child",
                ),
            )),
        );
        check_statement(
            Category::Cyberbullying,
            &[CriminalIndicator::ThreatToLifeOrHealth],
            Some((
                "STATEMENT_CATEGORY_CYBER_VIOLENCE",
                &["STATEMENT_CATEGORY_VIOLENCE"],
                &["KEYWORD_CYBER_BULLYING_INTIMIDATION", "KEYWORD_OTHER"],
                Some("Threat to the life or health of a child"),
            )),
        );
    }

    #[test]
    fn message_ids_are_distinct() {
        let mut ids: Vec<&str> = Category::ALL
            .iter()
            .map(|category| category.message_id())
            .collect();
        ids.extend(
            CriminalIndicator::ALL
                .iter()
                .map(|indicator| indicator.message_id()),
        );
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}
