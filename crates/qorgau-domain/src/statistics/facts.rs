//! What the statistics need to know about one case, and nothing more.
//!
//! [`CaseFacts`] and [`OrderFacts`] are derived from a folded [`CaseState`]
//! by [`CaseFacts::of`]; the store keeps them as its statistics read model
//! (`case_stats`, `case_stats_orders`), written in the same transaction as the
//! events and rebuilt from them like every read model, so figures need no
//! fold of every case per request. Everything that depends on `now` (has a
//! deadline passed?) is decided when the figures are computed, never stored.
//!
//! No child's name, birth date, IIN, description or URL is in here: the age
//! band, the platforms named and the dates of the procedure's steps only.

use jiff::Timestamp;
use jiff::civil::Date;

use crate::category::{Category, CriminalIndicator};
use crate::procedure::state::{CaseState, OrderState, OrderStatus};
use crate::statistics::{AgeBand, OutcomeRow, removal_instant};

/// One case, as the statistics see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    pub received_at: Timestamp,
    pub outcome: OutcomeRow,
    /// The decided category (of any decision; counted for confirmed ones).
    pub category: Option<Category>,
    /// The signs of a crime the decision found.
    pub indicators: Vec<CriminalIndicator>,
    pub referred: bool,
    pub age_band: AgeBand,
    /// The platform of every Internet resource named, in the application's order.
    pub platforms: Vec<String>,
    pub decided_at: Option<Timestamp>,
    /// The (possibly extended) decision deadline; `None` for a refused case,
    /// which has no decision to make.
    pub decision_due: Option<Timestamp>,
    /// The chair extended the time for the decision.
    pub extended: bool,
    pub response_due: Timestamp,
    pub response_sent_at: Option<Timestamp>,
    /// The earliest incident's date, when any was given (the DSA export's
    /// `content_date`).
    pub first_incident_on: Option<Date>,
    pub orders: Vec<OrderFacts>,
}

/// One removal order, as the compliance record sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub owner: String,
    pub issued_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
    pub removal_due: Option<Timestamp>,
    pub removal_reported_at: Option<Timestamp>,
    /// When the content went ([`removal_instant`]); `None` unless removed.
    pub removed_at: Option<Timestamp>,
    /// Non-compliance recorded (or escalated) and not removed since.
    pub not_complied: bool,
}

impl OrderFacts {
    pub fn of(order: &OrderState) -> OrderFacts {
        OrderFacts {
            owner: order.owner.clone(),
            issued_at: order.issued_at,
            delivered_at: order.delivered_at,
            removal_due: order.removal_due,
            removal_reported_at: order.removal_reported_at,
            removed_at: removal_instant(order),
            not_complied: matches!(
                order.status,
                OrderStatus::NotComplied | OrderStatus::Escalated
            ),
        }
    }
}

impl CaseFacts {
    pub fn of(state: &CaseState) -> CaseFacts {
        let refused = !state.refusal.is_empty();
        CaseFacts {
            received_at: state.received_at,
            outcome: OutcomeRow::of(state),
            category: state.decision.as_ref().map(|decision| decision.category),
            indicators: state
                .decision
                .as_ref()
                .map(|decision| decision.indicators.clone())
                .unwrap_or_default(),
            referred: state.referred,
            age_band: AgeBand::of(state),
            platforms: state
                .application
                .resources
                .iter()
                .map(|resource| resource.platform.clone())
                .collect(),
            decided_at: state.decision.as_ref().map(|decision| decision.decided_at),
            decision_due: (!refused).then_some(state.decision_due.due_at),
            extended: state.extension.is_some(),
            response_due: state.response_due.due_at,
            response_sent_at: state.response_sent_at,
            first_incident_on: state
                .application
                .incidents
                .iter()
                .map(|incident| incident.occurred_on)
                .min(),
            orders: state.orders.iter().map(OrderFacts::of).collect(),
        }
    }
}
