//! What a document is made from: plain structs, filled by the caller.
//!
//! The structs hold exactly what a document may say. In particular
//! [`OrderDocument`] has no field that could carry the applicant or the child
//! (no name, no contact, no case number, no description of the incidents): a
//! resource owner sees the content to remove and the legal basis, never who
//! complained (PRODUCT.md, "A child's data goes only where it must"). This is a
//! compile-time fact — a caller cannot put a person into an order because there
//! is nowhere to put it.

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

/// The two languages of an order, in the order they appear in it.
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
    /// When removal is due. Shown as date, hour and minute in Almaty time
    /// (`Asia/Almaty` from the bundled tz database, never a fixed offset).
    pub removal_due: Timestamp,
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
    /// A notice that an administrative-offence record is drawn up for
    /// non-compliance.
    AdministrativeOffence {
        /// The order not complied with.
        original: OrderReference,
        /// The fine in monthly calculation indices (MCI).
        fine_mci: u32,
        /// The same fine in tenge, at the MCI of the year.
        fine_tenge: u64,
    },
    /// A notice that the authorized body requests that access to the content
    /// be restricted.
    AccessRestrictionRequest {
        /// The order not complied with.
        original: OrderReference,
    },
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
