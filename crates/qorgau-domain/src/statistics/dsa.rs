//! Decisions as EU DSA statements of reasons (`GET
//! /api/v1/stats/decisions.dsa.json`), so regulators' and platforms' tools
//! can read them: one statement per removal order of a confirmed case,
//! with the DSA Transparency Database's field names and values
//! (`category::dsa_statement` maps the categories).
//!
//! A statement is a record about one decision, not a count — and a handful
//! of records with a rare category on one platform in one month can point to
//! a child as surely as a small count. So, beyond "no personal data":
//!
//! - no URL (a profile or channel address can name the child), no case or
//!   order number, no text written by people (reasons, notes), no age;
//!   `decision_facts` and the explanations are fixed texts per category;
//! - dates to the month: `application_date` is the first day of the month the
//!   order was issued, `content_date` the first day of the month of the
//!   earliest incident (documented in the schema; the DSA format wants a date);
//! - k-anonymity over everything a statement shows, decided once per year on
//!   a fixed grid (receipt month × platform × category fields × application
//!   month × content month): a cell of fewer than `threshold` statements is
//!   withheld whole, and more are withheld until no owner has 1..threshold−1
//!   statements withheld in any reporting period ([`dsa_export`]), so two
//!   exports never differ by a small group and an owner's order count never
//!   gives a small withheld count away; how many were withheld is itself a
//!   count and goes through the threshold;
//! - `puid` is an opaque digest of the order's place in the record (receipt
//!   instant, decision instant, position, owner): stable across exports of
//!   overlapping periods, unguessable from a case number, recomputable by an
//!   auditor with the record.
//!
//! Free texts (`decision_facts`, `illegal_content_legal_ground`,
//! `illegal_content_explanation`) are Fluent messages the shell renders in
//! English, the database's language; the domain names them.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::category::{Category, dsa_statement};
use crate::deadline::almaty_date;
use crate::statistics::report::ReportPeriod;
use crate::statistics::{CaseFacts, Figure, OutcomeRow};

/// One statement of reasons, in the DSA Transparency Database's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// Opaque, unique, never reused (module documentation).
    pub puid: String,
    pub platform_name: String,
    pub decision_visibility: Vec<&'static str>,
    pub decision_ground: &'static str,
    /// Fluent message id of the legal ground (rendered by the shell).
    #[serde(skip)]
    pub legal_ground_message: &'static str,
    /// Fluent message id of the explanation and the facts, per category.
    #[serde(skip)]
    pub explanation_message: &'static str,
    #[serde(skip)]
    pub facts_message: &'static str,
    pub category: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category_addition: Vec<&'static str>,
    pub category_specification: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_specification_other: Option<String>,
    pub content_type: Vec<&'static str>,
    pub content_date: Date,
    pub application_date: Date,
    pub source_type: &'static str,
    pub automated_detection: &'static str,
    pub automated_decision: &'static str,
}

/// The export of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DsaExport {
    pub period: ReportPeriod,
    pub provisional: bool,
    pub threshold: u64,
    /// Statements in groups too small to publish.
    pub statements_withheld: Figure,
    pub statements: Vec<Statement>,
}

fn first_of_month(date: Date) -> Date {
    date.first_of_month()
}

fn puid(case: &CaseFacts, position: usize, owner: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"qorgau dsa statement v1\n");
    hasher.update(case.received_at.as_millisecond().to_be_bytes());
    hasher.update(
        case.decided_at
            .map_or(0, Timestamp::as_millisecond)
            .to_be_bytes(),
    );
    hasher.update((position as u64).to_be_bytes());
    hasher.update(owner.as_bytes());
    format!("qorgau-{}", hex::encode(&hasher.finalize()[..16]))
}

/// Where a statement sits in the fixed grid withholding is decided on: its
/// owner, the month of its case's receipt, and everything it shows but its
/// puid. A period's export is the union of its months' published cells.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CellKey {
    owner: String,
    month: i8,
    /// Everything shown but the puid; `None` for an order whose decision
    /// has no DSA category (always withheld: it cannot be a statement).
    shown: Option<String>,
}

/// The statements for the confirmed cases received in `period`, withheld
/// as decided for the whole year of `period` (module documentation):
/// `cases` must hold at least that year's cases; others are left out.
///
/// Why a fixed grid: decided per export, two overlapping periods' exports
/// would differ by a handful of statements (H1's group of 7 published, Q1's
/// 5 of them too: the other 2 are singled out as received in Q2), and an
/// owner's published order count minus its published statements would be a
/// small withheld count. So withholding is decided once per year, on cells
/// of one receipt month × everything a statement shows:
///
/// 1. a cell of fewer than `threshold` statements is withheld;
/// 2. for every reporting period of the year (months first, then quarters,
///    halves, the year) and every owner, the statements withheld are none or
///    at least `threshold`: while they are 1..threshold−1, the owner's
///    smallest published cell in the period is withheld too (it holds at
///    least `threshold`, so the sums of the periods already checked stay
///    none or at least `threshold`). Only where every statement of the
///    owner in the period is withheld can fewer remain — then the owner's
///    orders in the period are fewer than `threshold` and hidden themselves.
///
/// Every export is then a union of whole published cells: subtracting two
/// exports leaves whole cells, and an owner's order count minus its
/// published statements is none, at least `threshold`, or a hidden count.
pub fn dsa_export<'a>(
    cases: impl IntoIterator<Item = &'a CaseFacts>,
    period: ReportPeriod,
    threshold: u64,
    now: Timestamp,
) -> DsaExport {
    let year = ReportPeriod::Year(period.year()).period();
    let mut cells: BTreeMap<CellKey, Vec<Statement>> = BTreeMap::new();
    let mut unmapped: BTreeMap<CellKey, u64> = BTreeMap::new();
    for case in cases {
        let received_on = almaty_date(case.received_at);
        if !year.contains(received_on) || case.outcome != OutcomeRow::Confirmed {
            continue;
        }
        let fields = case
            .category
            .filter(|category| *category != Category::None)
            .and_then(|category| Some((category, dsa_statement(category, &case.indicators)?)));
        let Some((category, fields)) = fields else {
            for order in &case.orders {
                let key = CellKey {
                    owner: order.owner.clone(),
                    month: received_on.month(),
                    shown: None,
                };
                *unmapped.entry(key).or_default() += 1;
            }
            continue;
        };
        let content_month = first_of_month(case.first_incident_on.unwrap_or(received_on));
        let (explanation_message, facts_message) = match category {
            Category::Cyberstalking => (
                "stats-dsa-explanation-cyberstalking",
                "stats-dsa-facts-cyberstalking",
            ),
            Category::Criminal => ("stats-dsa-explanation-criminal", "stats-dsa-facts-criminal"),
            _ => (
                "stats-dsa-explanation-cyberbullying",
                "stats-dsa-facts-cyberbullying",
            ),
        };
        for (position, order) in case.orders.iter().enumerate() {
            let statement = Statement {
                puid: puid(case, position, &order.owner),
                platform_name: order.owner.clone(),
                decision_visibility: vec!["DECISION_VISIBILITY_CONTENT_REMOVED"],
                decision_ground: "DECISION_GROUND_ILLEGAL_CONTENT",
                legal_ground_message: "stats-dsa-legal-ground",
                explanation_message,
                facts_message,
                category: fields.category,
                category_addition: fields.category_addition.clone(),
                category_specification: fields.category_specification.clone(),
                category_specification_other: fields.category_specification_other.clone(),
                content_type: vec!["CONTENT_TYPE_OTHER"],
                content_date: content_month,
                application_date: first_of_month(almaty_date(order.issued_at)),
                source_type: "SOURCE_TYPE_OTHER_NOTIFICATION",
                automated_detection: "No",
                automated_decision: "AUTOMATED_DECISION_NOT_AUTOMATED",
            };
            // Everything a statement shows but its puid.
            let shown = format!(
                "{}|{:?}|{:?}|{:?}|{}|{}",
                statement.category,
                statement.category_addition,
                statement.category_specification,
                statement.category_specification_other,
                statement.application_date,
                statement.content_date,
            );
            let key = CellKey {
                owner: order.owner.clone(),
                month: received_on.month(),
                shown: Some(shown),
            };
            cells.entry(key).or_default().push(statement);
        }
    }
    let sizes: BTreeMap<CellKey, u64> = cells
        .iter()
        .map(|(key, statements)| (key.clone(), statements.len() as u64))
        .chain(unmapped)
        .collect();
    let withheld_cells = withheld(&sizes, period.year(), threshold);
    let (first_month, last_month) = (period.first_day().month(), period.last_day().month());
    let in_period = |key: &CellKey| (first_month..=last_month).contains(&key.month);
    let mut statements = Vec::new();
    let mut withheld_count = 0_u64;
    for (key, size) in &sizes {
        if !in_period(key) {
            continue;
        }
        if withheld_cells.contains(key) {
            withheld_count += size;
        } else if let Some(group) = cells.get(key) {
            statements.extend(group.iter().cloned());
        }
    }
    statements.sort_by(|a, b| {
        (a.application_date, &a.platform_name, &a.puid).cmp(&(
            b.application_date,
            &b.platform_name,
            &b.puid,
        ))
    });
    DsaExport {
        period,
        provisional: period.is_open(now),
        threshold,
        statements_withheld: if withheld_count < threshold {
            Figure::BelowThreshold { threshold }
        } else {
            Figure::Count(withheld_count)
        },
        statements,
    }
}

/// The cells withheld in the year (rules 1 and 2 of [`dsa_export`]).
fn withheld(
    sizes: &BTreeMap<CellKey, u64>,
    year: i16,
    threshold: u64,
) -> std::collections::BTreeSet<CellKey> {
    let mut withheld: std::collections::BTreeSet<CellKey> = sizes
        .iter()
        .filter(|(key, size)| key.shown.is_none() || **size < threshold)
        .map(|(key, _)| key.clone())
        .collect();
    let owners: std::collections::BTreeSet<&str> =
        sizes.keys().map(|key| key.owner.as_str()).collect();
    // Months before the periods made of them, so a period's sum is fixed
    // only after its parts' are.
    for each in ReportPeriod::all_of_year(year) {
        let months = each.first_day().month()..=each.last_day().month();
        for owner in &owners {
            let in_reach = |key: &CellKey| key.owner == *owner && months.contains(&key.month);
            loop {
                let hidden: u64 = sizes
                    .iter()
                    .filter(|(key, _)| in_reach(key) && withheld.contains(*key))
                    .map(|(_, size)| size)
                    .sum();
                if hidden == 0 || hidden >= threshold {
                    break;
                }
                let smallest = sizes
                    .iter()
                    .filter(|(key, _)| in_reach(key) && !withheld.contains(*key))
                    .min_by_key(|(key, size)| (**size, (*key).clone()))
                    .map(|(key, _)| key.clone());
                match smallest {
                    Some(key) => {
                        withheld.insert(key);
                    }
                    // Every statement of the owner in the period is
                    // withheld: its order count there is below the
                    // threshold and hidden in the reports.
                    None => break,
                }
            }
        }
    }
    withheld
}
