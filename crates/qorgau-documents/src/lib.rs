//! Qorgau's documents: the order to a resource owner and the notice closing
//! it, the response letter to an applicant, the referral package for law
//! enforcement and the transparency report, rendered to PDF, plain text and
//! HTML.
//!
//! ```text
//! OrderDocument / ClosureNotice / ResponseLetter / ReferralDocument / TransparencyReportDocument
//!     ──▶ template (minijinja, per document and language)
//!     ──▶ block markup ──▶ markup::parse ──▶ Document (sections of blocks)
//!                                              ├─▶ text::render   (e-mail body)
//!                                              ├─▶ html::render   (e-mail body, escaped)
//!                                              └─▶ pdf::render    (A4, embedded DejaVu Sans)
//! ```
//!
//! Templates are embedded and can be replaced from a directory without
//! recompiling ([`Templates::with_overrides`]); every template is checked when
//! loaded. The markup, the template variables and the fonts are described in
//! `docs/documents.md`.
//!
//! Rendering is a pure function of its input: no clock, no I/O (the override
//! directory is read once, when loading), and the same input gives the same
//! bytes.

#![forbid(unsafe_code)]

mod error;
mod html;
mod input;
mod markup;
mod pdf;
mod templates;
mod text;

pub use error::DocumentError;
pub use input::{
    Bilingual, ClosureNotice, Fine, FineInTenge, Language, NextSteps, OrderDocument, OrderKind,
    OrderLanguage, OrderReference, Outcome, ReceiptReference, Referral, ReferralDecision,
    ReferralDocument, ReferralEntry, ReferralEvidence, ReferralIndicator, Regime, ReportBack,
    ReportCheckpoint, ReportGrid, ReportGridRow, ReportPerformance, ReportRow, ReportSource,
    ReportTable, ResponseLetter, TransparencyReportDocument, Verification,
};
pub use templates::{Templates, template_names};

use markup::Document;

/// A document in the three forms it is delivered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The document's title (PDF metadata, HTML `<title>`, a good e-mail subject).
    pub title: String,
    /// Plain text, for the e-mail body.
    pub text: String,
    /// HTML with every value escaped, for the e-mail body.
    pub html: String,
    /// The PDF, for the attachment and the portal.
    pub pdf: Vec<u8>,
}

/// Renders the bilingual order (Kazakh, then Russian) or a step of its
/// escalation ladder.
pub fn render_order(
    templates: &Templates,
    order: &OrderDocument,
) -> Result<Rendered, DocumentError> {
    let document = templates.order_markup(order)?;
    finish(&document, &order.number, order.issued_at)
}

/// Renders the notice closing an order (Kazakh, then Russian): removal
/// verified.
pub fn render_closure(
    templates: &Templates,
    closure: &ClosureNotice,
) -> Result<Rendered, DocumentError> {
    let document = templates.closure_markup(closure)?;
    finish(&document, &closure.number, closure.issued_at)
}

/// Renders an order that is not issued, for the preview before the expert
/// group's decision: the same templates and input as [`render_order`], marked
/// as a draft on every page, without the number and the verification code
/// (nothing in it could be quoted or checked as an order), and with the
/// deadline as the rule (hours from receipt) rather than a date.
pub fn render_order_draft(
    templates: &Templates,
    order: &OrderDocument,
) -> Result<Rendered, DocumentError> {
    let document = templates.order_markup_as(order, true)?;
    finish(&document, "", order.issued_at)
}

/// Renders the response letter in the case's language.
pub fn render_response(
    templates: &Templates,
    letter: &ResponseLetter,
) -> Result<Rendered, DocumentError> {
    let document = templates.response_markup(letter)?;
    finish(&document, &letter.case_number, letter.date)
}

/// Renders the referral package for law enforcement in its language
/// (Kazakh or Russian), dated the Almaty day it was prepared.
pub fn render_referral(
    templates: &Templates,
    referral: &ReferralDocument,
) -> Result<Rendered, DocumentError> {
    let document = templates.referral_markup(referral)?;
    let prepared_on = templates::almaty(referral.prepared_at)?.date();
    finish(&document, &referral.case_number, prepared_on)
}

/// Renders a transparency report in its language, dated the Almaty day its
/// figures were computed. It shows the values it is given, which are the
/// published (suppressed) ones: the input has no place for an exact count.
pub fn render_report(
    templates: &Templates,
    report: &TransparencyReportDocument,
) -> Result<Rendered, DocumentError> {
    let document = templates.report_markup(report)?;
    let computed_on = templates::almaty(report.computed_at)?.date();
    finish(&document, &format!("Qorgau {}", report.period), computed_on)
}

fn finish(
    document: &Document,
    fallback_title: &str,
    date: jiff::civil::Date,
) -> Result<Rendered, DocumentError> {
    let title = document.title(fallback_title);
    let pdf = pdf::render(
        document,
        &pdf::Metadata {
            title: &title,
            language: document.language(),
            date,
        },
    )?;
    Ok(Rendered {
        text: text::render(document),
        html: html::render(document, &title),
        pdf,
        title,
    })
}

/// Whether the embedded faces have a glyph for `character` (both faces).
pub fn fonts_cover(character: char) -> Result<bool, DocumentError> {
    let fonts = pdf::font::Fonts::get()?;
    Ok(pdf::font::FaceId::ALL
        .iter()
        .all(|face| fonts.face(*face).covers(character)))
}
