//! The templates: embedded by default, overridable from a directory, every one
//! checked when loaded.
//!
//! Loading parses each template and renders it with sample documents covering
//! every order kind (before and after delivery), a closure notice, every
//! outcome, a referral package with and without each optional part and
//! transparency reports (with and without a
//! checkpoint, empty and provisional), then parses the resulting markup — so a
//! syntax error, a misspelt variable or a broken markup line stops the service
//! at start-up with the file, the line and the reason, instead of failing when
//! an order is due to go out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::error::DocumentError;
use crate::input::{
    Bilingual, ClosureNotice, Fine, FineInTenge, Language, NextSteps, OrderDocument, OrderKind,
    OrderLanguage, OrderReference, Outcome, ReceiptReference, Referral, ReferralDecision,
    ReferralDocument, ReferralEntry, ReferralEvidence, ReferralIndicator, Regime, ReportBack,
    ResponseLetter, TransparencyReportDocument, Verification,
};
use crate::markup::{self, Document, Section};

mod report;

/// Every template a document uses, with its embedded text.
const EMBEDDED: [(&str, &str); 12] = [
    (
        "order.kk.jinja",
        include_str!("../templates/order.kk.jinja"),
    ),
    (
        "order.ru.jinja",
        include_str!("../templates/order.ru.jinja"),
    ),
    (
        "closure.kk.jinja",
        include_str!("../templates/closure.kk.jinja"),
    ),
    (
        "closure.ru.jinja",
        include_str!("../templates/closure.ru.jinja"),
    ),
    (
        "response.kk.jinja",
        include_str!("../templates/response.kk.jinja"),
    ),
    (
        "response.ru.jinja",
        include_str!("../templates/response.ru.jinja"),
    ),
    (
        "response.en.jinja",
        include_str!("../templates/response.en.jinja"),
    ),
    (
        "referral.kk.jinja",
        include_str!("../templates/referral.kk.jinja"),
    ),
    (
        "referral.ru.jinja",
        include_str!("../templates/referral.ru.jinja"),
    ),
    (
        "report.kk.jinja",
        include_str!("../templates/report.kk.jinja"),
    ),
    (
        "report.ru.jinja",
        include_str!("../templates/report.ru.jinja"),
    ),
    (
        "report.en.jinja",
        include_str!("../templates/report.en.jinja"),
    ),
];

/// The names of the templates, which are also the file names an override
/// directory may hold.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    EMBEDDED.iter().map(|(name, _)| *name)
}

/// A loaded, checked set of templates.
pub struct Templates {
    environment: Environment<'static>,
    /// Template name → where it came from (for error messages).
    origins: BTreeMap<&'static str, String>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Templates")
            .field("origins", &self.origins)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The templates compiled into the binary.
    pub fn embedded() -> Result<Templates, DocumentError> {
        Self::load(BTreeMap::new())
    }

    /// The embedded templates, with any file of the same name in `dir`
    /// replacing its embedded counterpart. A `.jinja` file whose name no
    /// document uses is refused (a misspelt override would otherwise be
    /// silently ignored); other files (a README) are left alone.
    pub fn with_overrides(dir: &Path) -> Result<Templates, DocumentError> {
        let entries =
            std::fs::read_dir(dir).map_err(|source| DocumentError::OverrideDirectory {
                dir: dir.to_path_buf(),
                source,
            })?;
        let mut overrides: BTreeMap<&'static str, (PathBuf, String)> = BTreeMap::new();
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| DocumentError::OverrideDirectory {
                dir: dir.to_path_buf(),
                source,
            })?;
            paths.push(entry.path());
        }
        paths.sort();
        for path in paths {
            let Some(file_name) = path.file_name().and_then(|name| name.to_str()) else {
                continue;
            };
            let known = template_names().find(|name| *name == file_name);
            match known {
                Some(name) => {
                    let source = std::fs::read_to_string(&path).map_err(|source| {
                        DocumentError::ReadTemplate {
                            path: path.clone(),
                            source,
                        }
                    })?;
                    overrides.insert(name, (path, source));
                }
                None if file_name.ends_with(".jinja") => {
                    return Err(DocumentError::UnknownTemplate {
                        path,
                        known: template_names().collect::<Vec<_>>().join(", "),
                    });
                }
                None => {}
            }
        }
        Self::load(overrides)
    }

    fn load(
        mut overrides: BTreeMap<&'static str, (PathBuf, String)>,
    ) -> Result<Templates, DocumentError> {
        let mut environment = Environment::new();
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|error| template_error("(syntax configuration)", &error))?;
        environment.set_syntax(syntax);
        // Templates write markup, not HTML: the HTML renderer escapes.
        environment.set_auto_escape_callback(|_| AutoEscape::None);
        // A misspelt variable is an error, not an empty string in an order.
        environment.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        environment.set_formatter(|output, _state, value| {
            // Values cannot leave the line they are on: the markup is line-based
            // and an applicant-supplied URL must not be able to start a heading.
            let text = if value.is_none() {
                String::new()
            } else {
                value.to_string()
            };
            let flattened: String = text
                .chars()
                .map(|character| {
                    if character.is_control() || matches!(character, '\u{2028}' | '\u{2029}') {
                        ' '
                    } else {
                        character
                    }
                })
                .collect();
            output.write_str(&flattened).map_err(minijinja::Error::from)
        });
        let mut origins = BTreeMap::new();
        for (name, embedded) in EMBEDDED {
            let (origin, source) = match overrides.remove(name) {
                Some((path, source)) => (path.display().to_string(), source),
                None => (format!("{name} (embedded)"), embedded.to_owned()),
            };
            environment
                .add_template_owned(name, source)
                .map_err(|error| template_error(&origin, &error))?;
            origins.insert(name, origin);
        }
        let templates = Templates {
            environment,
            origins,
        };
        templates.check()?;
        Ok(templates)
    }

    /// Renders every template with the sample documents.
    fn check(&self) -> Result<(), DocumentError> {
        let while_checking = |sample: String| {
            move |error: DocumentError| match error {
                DocumentError::Template { name, line, reason } => DocumentError::Template {
                    name,
                    line,
                    reason: format!("{reason} (rendering a sample {sample})"),
                },
                other => other,
            }
        };
        for order in samples::orders() {
            for draft in [false, true] {
                self.order_markup_as(&order, draft)
                    .map_err(while_checking(format!(
                        "order of kind {}{}",
                        order.kind.code(),
                        if draft { " (draft)" } else { "" }
                    )))?;
            }
        }
        for closure in samples::closures() {
            self.closure_markup(&closure)
                .map_err(while_checking("closure notice".to_owned()))?;
        }
        for letter in samples::letters() {
            self.response_markup(&letter)
                .map_err(while_checking(format!(
                    "letter with outcome {}",
                    letter.outcome.code()
                )))?;
        }
        for (index, referral) in samples::referrals().iter().enumerate() {
            self.referral_markup(referral)
                .map_err(while_checking(format!(
                    "referral package no. {} in {}",
                    index + 1,
                    referral.language.code()
                )))?;
        }
        for (index, sample) in report::samples().iter().enumerate() {
            self.report_markup(sample).map_err(while_checking(format!(
                "transparency report no. {} in {}",
                index + 1,
                sample.language.code()
            )))?;
        }
        Ok(())
    }

    /// Where a template came from: its override path, or "(embedded)".
    pub fn origin(&self, name: &str) -> Option<&str> {
        self.origins.get(name).map(String::as_str)
    }

    fn render(&self, name: &'static str, context: Value) -> Result<String, DocumentError> {
        let origin = self.origins.get(name).map(String::as_str).unwrap_or(name);
        let template = self
            .environment
            .get_template(name)
            .map_err(|error| template_error(origin, &error))?;
        template
            .render(context)
            .map_err(|error| template_error(origin, &error))
    }

    /// The order's markup, parsed: the Kazakh section(s), then the Russian.
    pub(crate) fn order_markup(&self, order: &OrderDocument) -> Result<Document, DocumentError> {
        self.order_markup_as(order, false)
    }

    /// The order's markup as a draft (`draft`) or as issued.
    pub(crate) fn order_markup_as(
        &self,
        order: &OrderDocument,
        draft: bool,
    ) -> Result<Document, DocumentError> {
        let mut sections: Vec<Section> = Vec::new();
        for language in OrderLanguage::ALL {
            let name = match language {
                OrderLanguage::Kk => "order.kk.jinja",
                OrderLanguage::Ru => "order.ru.jinja",
            };
            let markup = self.render(name, order_context(order, language, draft)?)?;
            let origin = self.origin(name).unwrap_or(name);
            sections.extend(markup::parse(&markup, language.code(), origin)?.sections);
        }
        Ok(Document { sections })
    }

    /// The closure notice's markup, parsed: Kazakh, then Russian.
    pub(crate) fn closure_markup(
        &self,
        closure: &ClosureNotice,
    ) -> Result<Document, DocumentError> {
        let mut sections: Vec<Section> = Vec::new();
        for language in OrderLanguage::ALL {
            let name = match language {
                OrderLanguage::Kk => "closure.kk.jinja",
                OrderLanguage::Ru => "closure.ru.jinja",
            };
            let markup = self.render(name, closure_context(closure, language)?)?;
            let origin = self.origin(name).unwrap_or(name);
            sections.extend(markup::parse(&markup, language.code(), origin)?.sections);
        }
        Ok(Document { sections })
    }

    /// The response letter's markup, parsed.
    pub(crate) fn response_markup(
        &self,
        letter: &ResponseLetter,
    ) -> Result<Document, DocumentError> {
        let name = match letter.language {
            Language::Kk => "response.kk.jinja",
            Language::Ru => "response.ru.jinja",
            Language::En => "response.en.jinja",
        };
        let markup = self.render(name, response_context(letter))?;
        let origin = self.origin(name).unwrap_or(name);
        markup::parse(&markup, letter.language.code(), origin)
    }

    /// The referral package's markup, parsed.
    pub(crate) fn referral_markup(
        &self,
        referral: &ReferralDocument,
    ) -> Result<Document, DocumentError> {
        let name = match referral.language {
            OrderLanguage::Kk => "referral.kk.jinja",
            OrderLanguage::Ru => "referral.ru.jinja",
        };
        let markup = self.render(name, referral_context(referral)?)?;
        let origin = self.origin(name).unwrap_or(name);
        markup::parse(&markup, referral.language.code(), origin)
    }

    /// The transparency report's markup, parsed.
    pub(crate) fn report_markup(
        &self,
        document: &TransparencyReportDocument,
    ) -> Result<Document, DocumentError> {
        let name = match document.language {
            Language::Kk => "report.kk.jinja",
            Language::Ru => "report.ru.jinja",
            Language::En => "report.en.jinja",
        };
        let markup = self.render(name, report::context(document)?)?;
        let origin = self.origin(name).unwrap_or(name);
        markup::parse(&markup, document.language.code(), origin)
    }
}

fn template_error(origin: &str, error: &minijinja::Error) -> DocumentError {
    let mut reason = match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    };
    if error.kind() == minijinja::ErrorKind::UndefinedError {
        reason.push_str(
            " (a variable or attribute that documents do not have; docs/documents.md lists them)",
        );
    }
    DocumentError::Template {
        name: origin.to_owned(),
        line: error.line(),
        reason,
    }
}

fn map(entries: Vec<(&'static str, Value)>) -> Value {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect::<BTreeMap<String, Value>>()
        .into()
}

fn strings(items: &[String]) -> Value {
    Value::from(items.iter().cloned().map(Value::from).collect::<Vec<_>>())
}

fn date_value(date: jiff::civil::Date) -> Value {
    map(vec![
        ("iso", Value::from(date.to_string())),
        (
            "dotted",
            Value::from(format!(
                "{:02}.{:02}.{:04}",
                date.day(),
                date.month(),
                date.year()
            )),
        ),
        ("day", Value::from(date.day())),
        ("month", Value::from(date.month())),
        ("year", Value::from(date.year())),
    ])
}

/// `instant` as a civil date and time in Almaty, from the bundled tz database
/// (never a fixed offset: the country moved to UTC+5 on 2024-03-01).
pub(crate) fn almaty(instant: jiff::Timestamp) -> Result<jiff::civil::DateTime, DocumentError> {
    let zone = jiff::tz::TimeZone::get("Asia/Almaty")
        .map_err(|error| DocumentError::TimeZone(error.to_string()))?;
    Ok(instant.to_zoned_datetime(zone).datetime())
}

/// A moment for templates: `.date` (a date object), `.time` (`14:30`) and
/// `.seconds` (`14:30:05`), in Almaty.
fn datetime_value(instant: jiff::Timestamp) -> Result<Value, DocumentError> {
    let local = almaty(instant)?;
    Ok(map(vec![
        ("date", date_value(local.date())),
        (
            "time",
            Value::from(format!("{:02}:{:02}", local.hour(), local.minute())),
        ),
        (
            "seconds",
            Value::from(format!(
                "{:02}:{:02}:{:02}",
                local.hour(),
                local.minute(),
                local.second()
            )),
        ),
    ]))
}

/// Groups digits in threes with a no-break space: "43 250".
fn group_digits(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push('\u{00A0}');
        }
        grouped.push(digit);
    }
    grouped
}

/// A draft carries no number and no verification code: nothing in it could
/// be quoted or checked as an order Qorgau issued.
fn order_context(
    order: &OrderDocument,
    language: OrderLanguage,
    draft: bool,
) -> Result<Value, DocumentError> {
    let (number, code, verification_url) = if draft {
        (String::new(), String::new(), String::new())
    } else {
        (
            order.number.clone(),
            order.verification.code.clone(),
            order.verification.url.clone(),
        )
    };
    // Before delivery (and in a draft) there is no deadline to show: the
    // template says "within N hours of receipt" instead (`removal_hours`).
    let removal_due = match order.removal_due.filter(|_| !draft) {
        Some(due) => {
            let due = almaty(due)?;
            map(vec![
                ("date", date_value(due.date())),
                (
                    "time",
                    Value::from(format!("{:02}:{:02}", due.hour(), due.minute())),
                ),
                ("hour", Value::from(due.hour())),
                ("minute", Value::from(due.minute())),
            ])
        }
        None => Value::from(()),
    };
    let original = match order.kind.original() {
        Some(OrderReference { number, issued_at }) => map(vec![
            ("number", Value::from(number.clone())),
            ("issued_at", date_value(*issued_at)),
        ]),
        None => Value::from(()),
    };
    let fine = match &order.kind {
        OrderKind::AdministrativeOffence {
            fine: Some(Fine { mci, in_tenge }),
            ..
        } => {
            let in_tenge = match in_tenge {
                Some(FineInTenge {
                    mci_value,
                    year,
                    total,
                }) => map(vec![
                    (
                        "mci_value",
                        Value::from(group_digits(u64::from(*mci_value))),
                    ),
                    ("year", Value::from(*year)),
                    ("total", Value::from(group_digits(*total))),
                ]),
                None => Value::from(()),
            };
            map(vec![("mci", Value::from(*mci)), ("tenge", in_tenge)])
        }
        _ => Value::from(()),
    };
    let api_base = order.report.api_base_url.trim_end_matches('/');
    Ok(map(vec![
        ("language", Value::from(language.code())),
        ("draft", Value::from(draft)),
        ("number", Value::from(number.clone())),
        ("issued_at", date_value(order.issued_at)),
        (
            "regime",
            map(vec![
                ("id", Value::from(order.regime.id.clone())),
                (
                    "title",
                    Value::from(order.regime.title.get(language).clone()),
                ),
            ]),
        ),
        ("legal_basis", strings(order.legal_basis.get(language))),
        (
            "authority",
            Value::from(order.authority.get(language).clone()),
        ),
        ("owner", Value::from(order.owner_name.clone())),
        ("urls", strings(&order.urls)),
        ("removal_due", removal_due),
        ("removal_hours", Value::from(order.removal_hours)),
        (
            "report",
            map(vec![
                ("portal_url", Value::from(order.report.portal_url.clone())),
                (
                    "api_endpoint",
                    Value::from(if draft {
                        // The route's shape; the number comes with the order.
                        format!("{api_base}/api/v1/orders/{{order_id}}/removal")
                    } else {
                        format!("{api_base}/api/v1/orders/{number}/removal")
                    }),
                ),
            ]),
        ),
        (
            "verification",
            map(vec![
                ("code", Value::from(code)),
                ("url", Value::from(verification_url)),
            ]),
        ),
        ("kind", Value::from(order.kind.code())),
        ("original", original),
        ("fine", fine),
    ]))
}

fn closure_context(
    closure: &ClosureNotice,
    language: OrderLanguage,
) -> Result<Value, DocumentError> {
    Ok(map(vec![
        ("language", Value::from(language.code())),
        ("number", Value::from(closure.number.clone())),
        ("order_issued_at", date_value(closure.order_issued_at)),
        ("issued_at", date_value(closure.issued_at)),
        (
            "regime",
            map(vec![
                ("id", Value::from(closure.regime.id.clone())),
                (
                    "title",
                    Value::from(closure.regime.title.get(language).clone()),
                ),
            ]),
        ),
        (
            "authority",
            Value::from(closure.authority.get(language).clone()),
        ),
        ("owner", Value::from(closure.owner_name.clone())),
        ("urls", strings(&closure.urls)),
        (
            "removal_verified_at",
            datetime_value(closure.removal_verified_at)?,
        ),
        (
            "verification",
            map(vec![
                ("code", Value::from(closure.verification.code.clone())),
                ("url", Value::from(closure.verification.url.clone())),
            ]),
        ),
    ]))
}

fn response_context(letter: &ResponseLetter) -> Value {
    let category = match &letter.outcome {
        Outcome::Confirmed { category } => Value::from(category.clone()),
        _ => Value::from(()),
    };
    map(vec![
        ("language", Value::from(letter.language.code())),
        ("case_number", Value::from(letter.case_number.clone())),
        ("date", date_value(letter.date)),
        ("outcome", Value::from(letter.outcome.code())),
        ("category", category),
        ("reasons", strings(&letter.reasons)),
        (
            "next",
            map(vec![
                (
                    "orders_issued",
                    Value::from(letter.next_steps.orders_issued),
                ),
                (
                    "removal_hours",
                    Value::from(letter.next_steps.removal_hours),
                ),
                (
                    "tracking_url",
                    Value::from(letter.next_steps.tracking_url.clone()),
                ),
            ]),
        ),
        ("authority", Value::from(letter.authority.clone())),
    ])
}

fn referral_context(referral: &ReferralDocument) -> Result<Value, DocumentError> {
    let decision = match &referral.decision {
        Some(decision) => map(vec![
            ("confirmed", Value::from(decision.confirmed)),
            ("category", Value::from(decision.category.clone())),
            ("decided_at", datetime_value(decision.decided_at)?),
        ]),
        None => Value::from(()),
    };
    let referred = match &referral.referral {
        Some(referred) => map(vec![
            ("authority", Value::from(referred.authority.clone())),
            ("referred_at", datetime_value(referred.referred_at)?),
        ]),
        None => Value::from(()),
    };
    let mut timeline = Vec::new();
    for entry in &referral.timeline {
        timeline.push(map(vec![
            ("at", datetime_value(entry.at)?),
            ("case_number", Value::from(entry.case_number.clone())),
            ("account", Value::from(entry.account.clone())),
            ("platform", Value::from(entry.platform.clone())),
            ("detail", Value::from(entry.detail.clone())),
            ("reference", Value::from(entry.reference.clone())),
        ]));
    }
    let indicators: Vec<Value> = referral
        .indicators
        .iter()
        .map(|indicator| {
            map(vec![
                ("name", Value::from(indicator.name.clone())),
                ("explanation", Value::from(indicator.explanation.clone())),
                ("rests_on", strings(&indicator.rests_on)),
            ])
        })
        .collect();
    let mut evidence = Vec::new();
    for item in &referral.evidence {
        let captured_at = match item.captured_at {
            Some(instant) => datetime_value(instant)?,
            None => Value::from(()),
        };
        let receipt = match &item.receipt {
            Some(receipt) => map(vec![
                ("log", Value::from(receipt.log.clone())),
                ("tree_size", Value::from(receipt.tree_size)),
                ("root_hash", Value::from(receipt.root_hash.clone())),
            ]),
            None => Value::from(()),
        };
        evidence.push(map(vec![
            ("case_number", Value::from(item.case_number.clone())),
            ("evidence_id", Value::from(item.evidence_id.clone())),
            ("kind", Value::from(item.kind.clone())),
            ("url", Value::from(item.url.clone())),
            ("digest", Value::from(item.digest.clone())),
            ("size", item.size.map_or(Value::from(()), Value::from)),
            ("captured_at", captured_at),
            (
                "log_index",
                item.log_index.map_or(Value::from(()), Value::from),
            ),
            ("receipt", receipt),
        ]));
    }
    let optional_text = |text: &Option<String>| match text {
        Some(text) => Value::from(text.clone()),
        None => Value::from(()),
    };
    Ok(map(vec![
        ("language", Value::from(referral.language.code())),
        ("case_number", Value::from(referral.case_number.clone())),
        ("prepared_at", datetime_value(referral.prepared_at)?),
        ("received_at", datetime_value(referral.received_at)?),
        ("regime", Value::from(referral.regime.clone())),
        ("legal_basis", strings(&referral.legal_basis)),
        ("decision", decision),
        ("referral", referred),
        ("accounts", strings(&referral.accounts)),
        ("linked_cases", strings(&referral.linked_cases)),
        ("timeline", Value::from(timeline)),
        ("indicators", Value::from(indicators)),
        ("suggestion", optional_text(&referral.suggestion)),
        ("evidence", Value::from(evidence)),
        ("electronic_copy", optional_text(&referral.electronic_copy)),
    ]))
}

/// Documents that exercise every branch a template is expected to have.
/// Used only to check templates at load time; never rendered for anyone.
mod samples {
    use super::*;

    fn reference() -> OrderReference {
        OrderReference {
            number: "CHECK-1".to_owned(),
            issued_at: jiff::civil::date(2026, 1, 5),
        }
    }

    pub(super) fn orders() -> Vec<OrderDocument> {
        let kinds = [
            OrderKind::Order,
            OrderKind::Reminder {
                original: reference(),
            },
            OrderKind::RepeatedOrder {
                original: reference(),
            },
            OrderKind::AdministrativeOffence {
                original: reference(),
                fine: None,
            },
            OrderKind::AdministrativeOffence {
                original: reference(),
                fine: Some(Fine {
                    mci: 10,
                    in_tenge: None,
                }),
            },
            OrderKind::AdministrativeOffence {
                original: reference(),
                fine: Some(Fine {
                    mci: 10,
                    in_tenge: Some(FineInTenge {
                        mci_value: 4_325,
                        year: 2026,
                        total: 43_250,
                    }),
                }),
            },
            OrderKind::AccessRestrictionRequest {
                original: reference(),
            },
        ];
        // Every kind before delivery (no deadline yet) and after.
        kinds
            .into_iter()
            .flat_map(|kind| {
                [None, Some(jiff::Timestamp::UNIX_EPOCH)]
                    .map(|removal_due| (kind.clone(), removal_due))
            })
            .map(|(kind, removal_due)| OrderDocument {
                number: "CHECK-2".to_owned(),
                issued_at: jiff::civil::date(2026, 1, 6),
                regime: Regime {
                    id: "check".to_owned(),
                    title: Bilingual {
                        kk: "check".to_owned(),
                        ru: "check".to_owned(),
                    },
                },
                legal_basis: Bilingual {
                    kk: vec!["check".to_owned()],
                    ru: vec!["check".to_owned()],
                },
                authority: Bilingual {
                    kk: "check".to_owned(),
                    ru: "check".to_owned(),
                },
                owner_name: "check".to_owned(),
                urls: vec!["https://example.invalid/check".to_owned()],
                removal_due,
                removal_hours: 24,
                report: ReportBack {
                    portal_url: "https://example.invalid/owner".to_owned(),
                    api_base_url: "https://example.invalid".to_owned(),
                },
                verification: Verification {
                    code: "CHECK".to_owned(),
                    url: "https://example.invalid/verify/CHECK".to_owned(),
                },
                kind,
            })
            .collect()
    }

    pub(super) fn closures() -> Vec<ClosureNotice> {
        vec![ClosureNotice {
            number: "CHECK-2".to_owned(),
            order_issued_at: jiff::civil::date(2026, 1, 5),
            issued_at: jiff::civil::date(2026, 1, 6),
            regime: Regime {
                id: "check".to_owned(),
                title: Bilingual {
                    kk: "check".to_owned(),
                    ru: "check".to_owned(),
                },
            },
            authority: Bilingual {
                kk: "check".to_owned(),
                ru: "check".to_owned(),
            },
            owner_name: "check".to_owned(),
            urls: vec!["https://example.invalid/check".to_owned()],
            removal_verified_at: jiff::Timestamp::UNIX_EPOCH,
            verification: Verification {
                code: "CHECK".to_owned(),
                url: "https://example.invalid/verify/CHECK".to_owned(),
            },
        }]
    }

    pub(super) fn letters() -> Vec<ResponseLetter> {
        let mut letters = Vec::new();
        for language in Language::ALL {
            for (outcome, orders_issued) in [
                (
                    Outcome::Confirmed {
                        category: "check".to_owned(),
                    },
                    2,
                ),
                (
                    Outcome::Confirmed {
                        category: "check".to_owned(),
                    },
                    1,
                ),
                (Outcome::NotConfirmed, 0),
                (Outcome::Refused, 0),
            ] {
                letters.push(ResponseLetter {
                    case_number: "CHECK-3".to_owned(),
                    language,
                    date: jiff::civil::date(2026, 1, 7),
                    outcome,
                    reasons: vec!["check".to_owned()],
                    next_steps: NextSteps {
                        orders_issued,
                        removal_hours: 24,
                        tracking_url: "https://example.invalid/track".to_owned(),
                    },
                    authority: "check".to_owned(),
                });
            }
        }
        letters
    }

    /// A full package and a bare one (nothing decided, referred, linked or
    /// found; an item without size, time, leaf or receipt), in each language.
    pub(super) fn referrals() -> Vec<ReferralDocument> {
        let mut referrals = Vec::new();
        for language in OrderLanguage::ALL {
            let full = ReferralDocument {
                case_number: "CHECK-4".to_owned(),
                language,
                prepared_at: jiff::Timestamp::UNIX_EPOCH,
                received_at: jiff::Timestamp::UNIX_EPOCH,
                regime: "check".to_owned(),
                legal_basis: vec!["check".to_owned()],
                decision: Some(ReferralDecision {
                    confirmed: true,
                    category: "check".to_owned(),
                    decided_at: jiff::Timestamp::UNIX_EPOCH,
                }),
                referral: Some(Referral {
                    authority: "check".to_owned(),
                    referred_at: jiff::Timestamp::UNIX_EPOCH,
                }),
                accounts: vec!["check".to_owned()],
                linked_cases: vec!["CHECK-5".to_owned()],
                timeline: vec![ReferralEntry {
                    at: jiff::Timestamp::UNIX_EPOCH,
                    case_number: "CHECK-5".to_owned(),
                    account: "check".to_owned(),
                    platform: "check".to_owned(),
                    detail: "check".to_owned(),
                    reference: "check".to_owned(),
                }],
                indicators: vec![ReferralIndicator {
                    name: "check".to_owned(),
                    explanation: "check".to_owned(),
                    rests_on: vec!["check".to_owned()],
                }],
                suggestion: Some("check".to_owned()),
                evidence: ["capture", "upload", "recapture", "check"]
                    .into_iter()
                    .map(|kind| ReferralEvidence {
                        case_number: "CHECK-4".to_owned(),
                        evidence_id: "check".to_owned(),
                        kind: kind.to_owned(),
                        url: "https://example.invalid/check".to_owned(),
                        digest: "sha256:check".to_owned(),
                        size: Some(1),
                        captured_at: Some(jiff::Timestamp::UNIX_EPOCH),
                        log_index: Some(0),
                        receipt: Some(ReceiptReference {
                            log: "example.invalid/log".to_owned(),
                            tree_size: 1,
                            root_hash: "check".to_owned(),
                        }),
                    })
                    .collect(),
                electronic_copy: Some("sha256:check".to_owned()),
            };
            let mut not_confirmed = full.clone();
            not_confirmed.decision = Some(ReferralDecision {
                confirmed: false,
                category: "check".to_owned(),
                decided_at: jiff::Timestamp::UNIX_EPOCH,
            });
            let bare = ReferralDocument {
                decision: None,
                referral: None,
                accounts: Vec::new(),
                linked_cases: Vec::new(),
                timeline: Vec::new(),
                indicators: Vec::new(),
                suggestion: None,
                evidence: vec![ReferralEvidence {
                    case_number: "CHECK-4".to_owned(),
                    evidence_id: "check".to_owned(),
                    kind: "upload".to_owned(),
                    url: String::new(),
                    digest: "sha256:check".to_owned(),
                    size: None,
                    captured_at: None,
                    log_index: None,
                    receipt: None,
                }],
                electronic_copy: None,
                ..full.clone()
            };
            let empty = ReferralDocument {
                evidence: Vec::new(),
                ..bare.clone()
            };
            referrals.extend([full, not_confirmed, bare, empty]);
        }
        referrals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_group_in_threes() {
        assert_eq!(group_digits(7), "7");
        assert_eq!(group_digits(43_250), "43\u{a0}250");
        assert_eq!(group_digits(1_234_567), "1\u{a0}234\u{a0}567");
    }
}
