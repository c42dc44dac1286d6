//! The templates: embedded by default, overridable from a directory, every one
//! checked when loaded.
//!
//! Loading parses each template and renders it with sample documents covering
//! every order kind and every outcome, then parses the resulting markup — so a
//! syntax error, a misspelt variable or a broken markup line stops the service
//! at start-up with the file, the line and the reason, instead of failing when
//! an order is due to go out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use crate::error::DocumentError;
use crate::input::{
    Bilingual, Language, NextSteps, OrderDocument, OrderKind, OrderLanguage, OrderReference,
    Outcome, Regime, ReportBack, ResponseLetter, Verification,
};
use crate::markup::{self, Document, Section};

/// Every template a document uses, with its embedded text.
const EMBEDDED: [(&str, &str); 5] = [
    (
        "order.kk.jinja",
        include_str!("../templates/order.kk.jinja"),
    ),
    (
        "order.ru.jinja",
        include_str!("../templates/order.ru.jinja"),
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
            self.order_markup(&order).map_err(while_checking(format!(
                "order of kind {}",
                order.kind.code()
            )))?;
        }
        for letter in samples::letters() {
            self.response_markup(&letter)
                .map_err(while_checking(format!(
                    "letter with outcome {}",
                    letter.outcome.code()
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
        let mut sections: Vec<Section> = Vec::new();
        for language in OrderLanguage::ALL {
            let name = match language {
                OrderLanguage::Kk => "order.kk.jinja",
                OrderLanguage::Ru => "order.ru.jinja",
            };
            let markup = self.render(name, order_context(order, language)?)?;
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

fn order_context(order: &OrderDocument, language: OrderLanguage) -> Result<Value, DocumentError> {
    let almaty = jiff::tz::TimeZone::get("Asia/Almaty")
        .map_err(|error| DocumentError::TimeZone(error.to_string()))?;
    let due = order.removal_due.to_zoned_datetime(almaty).datetime();
    let removal_due = map(vec![
        ("date", date_value(due.date())),
        (
            "time",
            Value::from(format!("{:02}:{:02}", due.hour(), due.minute())),
        ),
        ("hour", Value::from(due.hour())),
        ("minute", Value::from(due.minute())),
    ]);
    let original = match order.kind.original() {
        Some(OrderReference { number, issued_at }) => map(vec![
            ("number", Value::from(number.clone())),
            ("issued_at", date_value(*issued_at)),
        ]),
        None => Value::from(()),
    };
    let fine = match &order.kind {
        OrderKind::AdministrativeOffence {
            fine_mci,
            fine_tenge,
            ..
        } => map(vec![
            ("mci", Value::from(*fine_mci)),
            ("tenge", Value::from(group_digits(*fine_tenge))),
        ]),
        _ => Value::from(()),
    };
    let api_base = order.report.api_base_url.trim_end_matches('/');
    Ok(map(vec![
        ("language", Value::from(language.code())),
        ("number", Value::from(order.number.clone())),
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
        (
            "report",
            map(vec![
                ("portal_url", Value::from(order.report.portal_url.clone())),
                (
                    "api_endpoint",
                    Value::from(format!("{api_base}/api/v1/orders/{}/removal", order.number)),
                ),
            ]),
        ),
        (
            "verification",
            map(vec![
                ("code", Value::from(order.verification.code.clone())),
                ("url", Value::from(order.verification.url.clone())),
            ]),
        ),
        ("kind", Value::from(order.kind.code())),
        ("original", original),
        ("fine", fine),
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
                fine_mci: 10,
                fine_tenge: 43_250,
            },
            OrderKind::AccessRestrictionRequest {
                original: reference(),
            },
        ];
        kinds
            .into_iter()
            .map(|kind| OrderDocument {
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
                removal_due: jiff::Timestamp::UNIX_EPOCH,
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
