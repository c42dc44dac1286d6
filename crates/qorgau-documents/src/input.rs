//! What a document is made from: plain structs, filled by the caller.
//!
//! The structs hold exactly what a document may say. In particular
//! [`OrderDocument`] has no field that could carry the applicant or the child
//! (no name, no contact, no case number, no description of the incidents): a
//! resource owner sees the content to remove and the legal basis, never who
//! complained (PRODUCT.md, "A child's data goes only where it must"). This is a
//! compile-time fact — a caller cannot put a person into an order because there
//! is nowhere to put it. [`ReferralDocument`] likewise carries case numbers and
//! the record's facts, never the child's name, birth date or IIN.

use jiff::Timestamp;
use jiff::civil::Date;

/// The same thing in Kazakh and in Russian (the order is bilingual).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bilingual<T> {
    /// In Kazakh.
    pub kk: T,
    /// In Russian.
    pub ru: T,
}

impl<T> Bilingual<T> {
    /// The value in `language` (Kazakh or Russian).
    pub fn get(&self, language: OrderLanguage) -> &T {
        match language {
            OrderLanguage::Kk => &self.kk,
            OrderLanguage::Ru => &self.ru,
        }
    }
}

/// The two languages of an order, in the order they appear in it; also the
/// languages a referral package is written in (one of them per package).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderLanguage {
    /// Kazakh, the state language: always first.
    Kk,
    /// Russian.
    Ru,
}

impl OrderLanguage {
    /// Both, Kazakh first.
    pub const ALL: [OrderLanguage; 2] = [OrderLanguage::Kk, OrderLanguage::Ru];

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            OrderLanguage::Kk => "kk",
            OrderLanguage::Ru => "ru",
        }
    }
}

/// The language of a response letter: the case's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// Kazakh.
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Language {
    /// All three.
    pub const ALL: [Language; 3] = [Language::Kk, Language::Ru, Language::En];

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::Kk => "kk",
            Language::Ru => "ru",
            Language::En => "en",
        }
    }
}

/// The order to the owner (or legal representative) of an Internet resource
/// to remove content, and the steps of the escalation ladder that follow it.
///
/// One bilingual document: Kazakh first, then Russian.
///
/// There is deliberately no field for a person: the order cannot name the
/// applicant or the child (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDocument {
    /// The order's number, which is also its id in the API
    /// (`POST /api/v1/orders/{number}/removal`).
    pub number: String,
    /// The day the document is issued (Almaty date).
    pub issued_at: Date,
    /// The legal regime the case is handled under.
    pub regime: Regime,
    /// The legal basis, one citation per entry, in each language.
    pub legal_basis: Bilingual<Vec<String>>,
    /// The authorized body issuing the order.
    pub authority: Bilingual<String>,
    /// The owner or legal representative of the Internet resource (an organisation
    /// or the name registered for the resource — never the applicant).
    pub owner_name: String,
    /// The exact addresses of the content to remove, as they were reported.
    pub urls: Vec<String>,
    /// When removal is due, once the order has been delivered. Shown as
    /// date, hour and minute in Almaty time (`Asia/Almaty` from the bundled
    /// tz database, never a fixed offset). `None` before delivery: the legal
    /// clock runs from the owner's receipt of the order, not from its issue,
    /// so the document then says "within `removal_hours` hours of receipt"
    /// instead of a date it cannot know yet.
    pub removal_due: Option<Timestamp>,
    /// Within how many hours of receiving the order the owner must remove
    /// (the regime's; 24 by law).
    pub removal_hours: u32,
    /// How the owner reports back.
    pub report: ReportBack,
    /// How anyone can check that the document is genuine.
    pub verification: Verification,
    /// Which document this is: the order itself or a step of the ladder.
    pub kind: OrderKind,
}

/// A legal regime: rules versioned by effective date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regime {
    /// The regime's id (e.g. `kz-562-nk-2025`).
    pub id: String,
    /// Its title in each language.
    pub title: Bilingual<String>,
}

/// Where the owner reports the removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportBack {
    /// The owners' portal, where the order can also be acknowledged.
    pub portal_url: String,
    /// The service's public base URL, without a trailing slash; the document
    /// shows `POST {api_base_url}/api/v1/orders/{number}/removal`.
    pub api_base_url: String,
}

/// The verification code printed on every page and where to check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The code.
    pub code: String,
    /// Where anyone can check it, e.g. `{public_url}/verify/{code}`.
    pub url: String,
}

/// An earlier order that a step of the escalation ladder refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderReference {
    /// Its number.
    pub number: String,
    /// The day it was issued.
    pub issued_at: Date,
}

/// Which document of the ladder this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKind {
    /// The order issued on a confirmed decision.
    Order,
    /// A reminder that an order's deadline has passed or is near.
    Reminder {
        /// The order reminded of.
        original: OrderReference,
    },
    /// The order issued again after the first was not complied with.
    RepeatedOrder {
        /// The order not complied with.
        original: OrderReference,
    },
    /// The record of an administrative offence: the owner did not comply
    /// with the order in time.
    AdministrativeOffence {
        /// The order not complied with.
        original: OrderReference,
        /// The fine, when the regime states one. `None`: no fine for an
        /// owner's non-compliance could be confirmed from the law, and the
        /// record says that the body hearing the case sets it.
        fine: Option<Fine>,
    },
    /// A notice that the authorized body requests that access to the content
    /// be restricted.
    AccessRestrictionRequest {
        /// The order not complied with.
        original: OrderReference,
    },
}

/// A fine stated by the regime, in monthly calculation indices (MCI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fine {
    /// The number of MCI.
    pub mci: u32,
    /// The amount in tenge, when the MCI of the day is known
    /// (`data/mci.toml`); `None`: the document states the MCI only, never a
    /// guessed amount.
    pub in_tenge: Option<FineInTenge>,
}

/// A fine in tenge: the MCI in force that day times the number of MCI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FineInTenge {
    /// One MCI in tenge on the day of the document.
    pub mci_value: u32,
    /// The year of that MCI (its budget law's).
    pub year: i16,
    /// `mci × mci_value`.
    pub total: u64,
}

impl OrderKind {
    /// The name templates test with `kind == "…"`.
    pub fn code(&self) -> &'static str {
        match self {
            OrderKind::Order => "order",
            OrderKind::Reminder { .. } => "reminder",
            OrderKind::RepeatedOrder { .. } => "repeated_order",
            OrderKind::AdministrativeOffence { .. } => "administrative_offence",
            OrderKind::AccessRestrictionRequest { .. } => "access_restriction_request",
        }
    }

    /// The earlier order, for every step after the first.
    pub fn original(&self) -> Option<&OrderReference> {
        match self {
            OrderKind::Order => None,
            OrderKind::Reminder { original }
            | OrderKind::RepeatedOrder { original }
            | OrderKind::AdministrativeOffence { original, .. }
            | OrderKind::AccessRestrictionRequest { original } => Some(original),
        }
    }
}

/// The notice that closes an order: its removal was verified. Bilingual
/// (Kazakh, then Russian) like the order.
///
/// Like [`OrderDocument`] it has no field for a person: it names the order,
/// the content and when removal was verified, never who complained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureNotice {
    /// The order's number.
    pub number: String,
    /// The day the order was issued.
    pub order_issued_at: Date,
    /// The day of the notice (Almaty date).
    pub issued_at: Date,
    /// The legal regime the case is handled under.
    pub regime: Regime,
    /// The authorized body.
    pub authority: Bilingual<String>,
    /// The owner or legal representative of the Internet resource.
    pub owner_name: String,
    /// The addresses the order named, now verified removed.
    pub urls: Vec<String>,
    /// When removal was verified; shown as date and time in Almaty.
    pub removal_verified_at: Timestamp,
    /// How anyone can check the order is genuine.
    pub verification: Verification,
}

/// The response to the applicant, in the case's language.
///
/// Like the order, it names no person: it goes to the applicant's own address,
/// but letters get forwarded and printed, and the case number is enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseLetter {
    /// The case number (what the applicant tracks the case with).
    pub case_number: String,
    /// The case's language.
    pub language: Language,
    /// The day of the letter (Almaty date).
    pub date: Date,
    /// What was decided.
    pub outcome: Outcome,
    /// The reasons, already in the case's language.
    pub reasons: Vec<String>,
    /// What happens next.
    pub next_steps: NextSteps,
    /// The authorized body, in the case's language.
    pub authority: String,
}

/// The outcome of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The expert group confirmed the facts.
    Confirmed {
        /// The category, already in the case's language (e.g. "кибербуллинг").
        category: String,
    },
    /// The expert group did not confirm the facts.
    NotConfirmed,
    /// The application was refused consideration (e.g. it named no Internet
    /// resource); the reasons say which rule.
    Refused,
}

impl Outcome {
    /// The name templates test with `outcome == "…"`.
    pub fn code(&self) -> &'static str {
        match self {
            Outcome::Confirmed { .. } => "confirmed",
            Outcome::NotConfirmed => "not_confirmed",
            Outcome::Refused => "refused",
        }
    }
}

/// What happens after the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextSteps {
    /// To how many owners of Internet resources orders were sent (0 unless confirmed).
    pub orders_issued: u32,
    /// Within how many hours of receiving the order owners must remove (24 by law).
    pub removal_hours: u32,
    /// Where the applicant follows the case with the case number and access code.
    pub tracking_url: String,
}

/// The referral package for law enforcement (issue 7): the facts of the case,
/// the linked timeline, the pursuit indicators and every evidence item with
/// its digest and its place in the transparency log, in Kazakh or Russian.
///
/// It carries case numbers, never the child: there is no field for a name, a
/// birth date or an IIN (the police receive the case files through the
/// authority). The texts that come from the record (an incident as the
/// applicant described it, an indicator's explanation) are already in the
/// package's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDocument {
    /// The case the package is prepared for.
    pub case_number: String,
    /// The package's language (Kazakh or Russian).
    pub language: OrderLanguage,
    /// When it was prepared; shown as date and time in Almaty.
    pub prepared_at: Timestamp,
    /// When the application was received.
    pub received_at: Timestamp,
    /// The id of the legal regime the case is handled under.
    pub regime: String,
    /// The legal basis of the referral, one citation per entry (the
    /// Administrative Code Art. 127-2 line), in the package's language.
    pub legal_basis: Vec<String>,
    /// The expert group's decision, once taken.
    pub decision: Option<ReferralDecision>,
    /// The referral to law enforcement, once made.
    pub referral: Option<Referral>,
    /// The accounts in the timeline (normalized keys).
    pub accounts: Vec<String>,
    /// The other cases whose entries are in the timeline.
    pub linked_cases: Vec<String>,
    /// The linked timeline, in order.
    pub timeline: Vec<ReferralEntry>,
    /// The pursuit indicators that fired.
    pub indicators: Vec<ReferralIndicator>,
    /// The system's suggestion to the experts, if any.
    pub suggestion: Option<String>,
    /// Every stored evidence item of the case and of the linked cases.
    pub evidence: Vec<ReferralEvidence>,
    /// The digest of the package's electronic copy (the HTML document with
    /// every receipt in full), kept and logged beside this one.
    pub electronic_copy: Option<String>,
}

/// The expert group's decision, as the package states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralDecision {
    /// Whether the facts were confirmed.
    pub confirmed: bool,
    /// The category, already in the package's language.
    pub category: String,
    /// When it was decided.
    pub decided_at: Timestamp,
}

/// The referral to law enforcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// The body the case was referred to, as the coordinator named it.
    pub authority: String,
    /// When it was referred.
    pub referred_at: Timestamp,
}

/// One entry of the linked timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEntry {
    /// When it happened; shown as date and time in Almaty.
    pub at: Timestamp,
    /// The case the entry comes from.
    pub case_number: String,
    /// The actor's account (normalized key).
    pub account: String,
    /// The platform's name.
    pub platform: String,
    /// What happened, already in the package's language.
    pub detail: String,
    /// Where it is recorded (the entry's reference in its case).
    pub reference: String,
}

/// A pursuit indicator that fired, with the entries it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralIndicator {
    /// Its name, in the package's language.
    pub name: String,
    /// Why it fired, in the package's language.
    pub explanation: String,
    /// The references of the entries it rests on.
    pub rests_on: Vec<String>,
}

/// One evidence item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralEvidence {
    /// The case it belongs to.
    pub case_number: String,
    /// Its id in that case.
    pub evidence_id: String,
    /// `capture`, `upload` or `recapture` (templates name each).
    pub kind: String,
    /// The captured address (empty for an upload).
    pub url: String,
    /// The stored bytes' digest (`sha256:…`).
    pub digest: String,
    /// Their size in bytes.
    pub size: Option<u64>,
    /// When it was captured or received.
    pub captured_at: Option<Timestamp>,
    /// Its leaf in the transparency log.
    pub log_index: Option<u64>,
    /// The checkpoint its receipt proves the leaf against.
    pub receipt: Option<ReceiptReference>,
}

/// Where an item's receipt leads: the signed checkpoint of the transparency
/// log that its inclusion proof ends in (`qorgau receipt verify` checks it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptReference {
    /// The log's name (the checkpoint's origin line).
    pub log: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// Its root hash, base64 as in the checkpoint.
    pub root_hash: String,
}

/// A transparency report of a period (issue 8) in one language: the same
/// publication the report's HTML page shows (`qorgau-web`'s `stats.rs` fills
/// both from one view of the report).
///
/// It holds figures as they are **published** — already through the
/// statistics' small-number suppression, as text: a count, `<5`, or the word
/// for a withheld cell — never an exact count: there is no field for one, so
/// a PDF cannot show what the page does not. The labels (table titles, row
/// and column names) come from the same Fluent messages as the page's; the
/// templates add the report's frame in their language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransparencyReportDocument {
    /// The report's language.
    pub language: Language,
    /// The period's code: `2025`, `2025-H1`, `2025-Q3`, `2025-07`.
    pub period: String,
    /// Its first day (an Almaty date of receipt).
    pub first_day: Date,
    /// Its last day.
    pub last_day: Date,
    /// The period had not ended when the report was computed.
    pub provisional: bool,
    /// No application was received in the period.
    pub empty: bool,
    /// When the figures were computed; shown in Almaty time.
    pub computed_at: Timestamp,
    /// The transparency log as the figures were read from it.
    pub source: ReportSource,
    /// The suppression threshold (counts below it are shown as `<N`).
    pub threshold: u64,
    /// How small numbers are hidden, in the report's language.
    pub suppression: String,
    /// The procedure's own performance.
    pub performance: ReportPerformance,
    /// The tables of counts, in the page's order (applications per month,
    /// outcomes, categories, platforms, age bands, decisions and deadline).
    pub tables: Vec<ReportTable>,
    /// The time taken (count, median, 90th percentile), one row per step.
    pub durations: ReportGrid,
    /// Cases referred to law enforcement, as published.
    pub referred: String,
    /// Resource owners' compliance with removal orders, one row per owner
    /// and a row of totals.
    pub compliance: ReportGrid,
}

/// The transparency log a report was read at, so an auditor can replay the
/// record up to it and recompute every figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSource {
    /// Leaves in the log when the figures were read.
    pub log_size: u64,
    /// The latest signed checkpoint then, if there was one.
    pub checkpoint: Option<ReportCheckpoint>,
}

/// A signed checkpoint of the transparency log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportCheckpoint {
    /// Its tree size.
    pub tree_size: u64,
    /// Its root hash, hex (as in the report's JSON and CSV).
    pub root_hash: String,
}

/// A table of one published value per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTable {
    /// Its title.
    pub title: String,
    /// Its rows, in order.
    pub rows: Vec<ReportRow>,
    /// The row of the total, if the table has one.
    pub total: Option<ReportRow>,
}

/// One row: a label and a published value (`12`, `<5`, or the word for a
/// withheld cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// What is counted.
    pub label: String,
    /// The value as published.
    pub value: String,
}

/// A table of several published values per row: the durations, compliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGrid {
    /// Its title.
    pub title: String,
    /// The heading of the column of labels ("Item", "Resource owner").
    pub label_column: String,
    /// The headings of the value columns.
    pub columns: Vec<String>,
    /// Its rows; each has one cell per column.
    pub rows: Vec<ReportGridRow>,
}

/// One row of a [`ReportGrid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportGridRow {
    /// What the row is about (a step of the procedure, an owner, the total).
    pub label: String,
    /// The published values, one per column.
    pub cells: Vec<String>,
}

/// The procedure's performance in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportPerformance {
    /// The share of decisions taken on time (`83.3%`), when published.
    pub decision_on_time: Option<String>,
    /// Decisions whose time was extended, as published.
    pub extended_decisions: String,
    /// The share of responses sent on time, when published.
    pub response_on_time: Option<String>,
    /// Responses to applicants against the deadline.
    pub responses: ReportTable,
    /// The time from application to response (one row).
    pub time_to_response: ReportGrid,
}
