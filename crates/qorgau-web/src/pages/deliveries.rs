//! The coordinators' delivery board: each resource owner's compliance record,
//! and the deliveries given up (the dead-letter list), each with a button
//! that queues it again under the same delivery id.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use qorgau_app::outbox::{NoticeJob, is_outbox_job};
use qorgau_domain::compliance::ComplianceRecord;
use qorgau_domain::deadline::format_almaty;
use qorgau_domain::procedure::Role;
use qorgau_store::Deliveries;

use super::staff::StaffPage;
use super::{Tr, page};
use crate::api::deliveries::compliance_records;
use crate::language::RequestLanguage;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "staff_deliveries.html")]
struct DeliveriesPage {
    tr: Tr,
    path: &'static str,
    csrf: String,
    notice: Option<String>,
    owners: Vec<OwnerLine>,
    failed: Vec<FailedLine>,
}

struct OwnerLine {
    name: String,
    received: u32,
    removed: u32,
    open: u32,
    overdue: u32,
    in_time: String,
    median: String,
    p90: String,
    escalations: u32,
}

struct FailedLine {
    id: i64,
    case_id: String,
    what: String,
    attempts: u32,
    reason: String,
    since: String,
}

fn hours(seconds: Option<i64>) -> String {
    match seconds {
        Some(seconds) => {
            let (hours, minutes) = ComplianceRecord::hours_and_minutes(seconds);
            format!("{hours} h {minutes:02} min")
        }
        None => "—".to_owned(),
    }
}

async fn render(state: &AppState, tr: Tr, staff: &StaffPage, notice: Option<String>) -> Response {
    let (Ok(records), Ok(failed)) = (
        compliance_records(state).await,
        state.store.failed_jobs(200).await,
    ) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let owners = records
        .into_iter()
        .map(|(owner, record)| OwnerLine {
            name: owner.display_name,
            received: record.orders_received,
            removed: record.removed,
            open: record.open,
            overdue: record.overdue,
            in_time: record
                .removed_in_time_share
                .map_or_else(|| "—".to_owned(), |share| format!("{:.0}%", share * 100.0)),
            median: hours(record.removal_seconds_median),
            p90: hours(record.removal_seconds_p90),
            escalations: record.escalation_steps,
        })
        .collect();
    let failed = failed
        .into_iter()
        .filter(|job| is_outbox_job(&job.kind))
        .map(|job| {
            let notice = serde_json::from_str::<NoticeJob>(&job.payload).ok();
            FailedLine {
                id: job.id,
                case_id: job.case_id.clone().unwrap_or_default(),
                what: match &notice {
                    Some(notice) => format!(
                        "{} ({}) {}",
                        notice.notice.as_str(),
                        job.kind,
                        notice.order_id.clone().unwrap_or_default()
                    ),
                    None => job.kind.clone(),
                },
                attempts: job.attempts,
                reason: job.last_error.clone().unwrap_or_default(),
                since: format_almaty(job.created_at),
            }
        })
        .collect();
    page(
        &DeliveriesPage {
            tr,
            path: "/staff/deliveries",
            csrf: staff.csrf().to_owned(),
            notice,
            owners,
            failed,
        },
        StatusCode::OK,
    )
}

pub async fn board(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
) -> Response {
    if staff.actor().role != Role::Coordinator {
        return StatusCode::FORBIDDEN.into_response();
    }
    render(&state, Tr { language }, &staff, None).await
}

pub async fn retry(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if staff.actor().role != Role::Coordinator || !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let Some(id) = values.get("job").and_then(|id| id.parse::<i64>().ok()) else {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    };
    match state.store.retry_job(id, state.clock.now()).await {
        Ok(true) => render(&state, tr, &staff, Some(tr.t("deliveries-requeued"))).await,
        Ok(false) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `GET /staff/cases/{case_id}/orders/{order_id}/document.pdf`: the order
/// as it goes (or went) out, for the coordinator.
pub async fn order_document(
    State(state): State<AppState>,
    staff: StaffPage,
    axum::extract::Path((case_id, order_id)): axum::extract::Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<super::DocumentQuery>,
) -> Response {
    if staff.actor().role != Role::Coordinator || !order_id.starts_with(&format!("{case_id}-")) {
        return StatusCode::NOT_FOUND.into_response();
    }
    super::verify::order_pdf(&state, &order_id, query.step).await
}

/// `GET /staff/cases/{case_id}/response.pdf`: the applicant's letter, in the
/// case's language, before or after it is sent.
pub async fn response_document(
    State(state): State<AppState>,
    staff: StaffPage,
    axum::extract::Path(case_id): axum::extract::Path<String>,
) -> Response {
    if staff.actor().role != Role::Coordinator {
        return StatusCode::NOT_FOUND.into_response();
    }
    super::verify::response_pdf(&state, &case_id).await
}
