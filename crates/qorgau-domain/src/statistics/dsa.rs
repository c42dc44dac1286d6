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
//! - k-anonymity over everything a statement shows: statements are grouped by
//!   (platform, category fields, application month, content month), and a
//!   group of fewer than `threshold` statements is withheld whole; how many
//!   were withheld is itself a count and goes through the threshold;
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

/// The statements for the confirmed cases received in `period`.
pub fn dsa_export<'a>(
    cases: impl IntoIterator<Item = &'a CaseFacts>,
    period: ReportPeriod,
    threshold: u64,
    now: Timestamp,
) -> DsaExport {
    let range = period.period();
    let mut groups: BTreeMap<String, Vec<Statement>> = BTreeMap::new();
    for case in cases {
        let received_on = almaty_date(case.received_at);
        if !range.contains(received_on) || case.outcome != OutcomeRow::Confirmed {
            continue;
        }
        let Some(category) = case.category.filter(|category| *category != Category::None) else {
            continue;
        };
        let Some(fields) = dsa_statement(category, &case.indicators) else {
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
            let key = format!(
                "{}|{}|{:?}|{:?}|{:?}|{}|{}",
                statement.platform_name,
                statement.category,
                statement.category_addition,
                statement.category_specification,
                statement.category_specification_other,
                statement.application_date,
                statement.content_date,
            );
            groups.entry(key).or_default().push(statement);
        }
    }
    let mut statements = Vec::new();
    let mut withheld = 0_u64;
    for (_, group) in groups {
        if (group.len() as u64) < threshold {
            withheld += group.len() as u64;
        } else {
            statements.extend(group);
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
        statements_withheld: if withheld < threshold {
            Figure::BelowThreshold { threshold }
        } else {
            Figure::Count(withheld)
        },
        statements,
    }
}
