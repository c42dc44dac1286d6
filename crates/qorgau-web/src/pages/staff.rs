//! The staff workspace: sign in, the deadline queue, a case with its votes,
//! the decision and the response. Cookie sessions (`HttpOnly; SameSite=Strict;
//! Secure` unless configured for plain-HTTP development) and a CSRF token on
//! every form that changes anything.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use qorgau_app::evidence::stripped_link;
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::category::Category;
use qorgau_domain::deadline::{almaty_date, format_almaty};
use qorgau_domain::message::{Explain, Message};
use qorgau_domain::procedure::command::order_status_name;
use qorgau_domain::procedure::{
    CasePhase, Command, OrderStatus, ProcedureError, Role, TimeLeft, VerificationResult, VoteChoice,
};
use qorgau_store::{EvidenceRow, Store};

use super::{Tr, page};
use crate::api::staff::ClientAddress;
use crate::auth::{Staff, sign_in, staff_for_token};
use crate::language::RequestLanguage;
use crate::problem::ApiError;
use crate::state::AppState;

const COOKIE: &str = "qorgau_session";

/// A signed-in staff member on a page; anyone else is sent to sign in.
pub struct StaffPage {
    staff: Staff,
    csrf: String,
}

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let language = crate::language::negotiate(parts.uri.query(), None);
        let to_login =
            || Redirect::to(&format!("/staff/login?lang={}", language.tag())).into_response();
        let token = super::cookie(&parts.headers, COOKIE).ok_or_else(to_login)?;
        let staff = staff_for_token(state, &token)
            .await
            .ok()
            .flatten()
            .ok_or_else(to_login)?;
        Ok(StaffPage {
            staff,
            csrf: super::csrf_token(&token),
        })
    }
}

impl StaffPage {
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    pub fn actor(&self) -> &qorgau_domain::procedure::Actor {
        &self.staff.actor
    }

    pub fn check_csrf(&self, values: &HashMap<String, String>) -> bool {
        super::csrf_matches(values, &self.csrf)
    }
}

#[derive(Template)]
#[template(path = "staff_login.html")]
struct LoginPage {
    tr: Tr,
    path: &'static str,
    username: String,
    error: Option<String>,
}

pub async fn login_form(RequestLanguage(language): RequestLanguage) -> Response {
    page(
        &LoginPage {
            tr: Tr { language },
            path: "/staff/login",
            username: String::new(),
            error: None,
        },
        StatusCode::OK,
    )
}

pub async fn login(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    ClientAddress(address): ClientAddress,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    let tr = Tr { language };
    let username = values
        .get("username")
        .map(|value| value.trim().to_owned())
        .unwrap_or_default();
    let password = values.get("password").map(String::as_str).unwrap_or("");
    match sign_in(&state, &username, password, address).await {
        Ok(signed_in) => {
            let max_age = i64::from(state.config.session_hours) * 3600;
            let mut response =
                Redirect::to(&format!("/staff?lang={}", language.tag())).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                super::session_cookie(&state, COOKIE, "/", &signed_in.token, max_age),
            );
            response
        }
        Err(error) => {
            let (status, message) = match error {
                ApiError::TooManyRequests {
                    retry_after_seconds,
                } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    Message::new("problem-too-many-requests")
                        .with("seconds", retry_after_seconds as i64),
                ),
                ApiError::Unauthenticated => {
                    (StatusCode::UNAUTHORIZED, Message::new("staff-login-failed"))
                }
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Message::new("problem-internal"),
                ),
            };
            page(
                &LoginPage {
                    tr,
                    path: "/staff/login",
                    username,
                    error: Some(tr.say(&message)),
                },
                status,
            )
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    // The session ends on the server, not only in this browser: a copy of
    // the cookie is worthless from now on.
    if state
        .store
        .end_session(&staff.staff.session_hash)
        .await
        .is_err()
    {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let mut response =
        Redirect::to(&format!("/staff/login?lang={}", language.tag())).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        super::session_cookie(&state, COOKIE, "/", "", 0),
    );
    response
}

pub struct QueueRow {
    pub case_id: String,
    pub status: String,
    pub deadline: String,
    pub left: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "staff_queue.html")]
struct QueuePage {
    tr: Tr,
    path: &'static str,
    username: String,
    coordinator: bool,
    csrf: String,
    rows: Vec<QueueRow>,
}

pub async fn queue(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
) -> Response {
    let tr = Tr { language };
    let (Ok(cases), Ok(deadlines)) = (
        state.store.list_cases(None).await,
        state.store.deadlines().await,
    ) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let now = state.clock.now();
    let mut rows: Vec<(Option<jiff::Timestamp>, QueueRow)> = cases
        .iter()
        .filter(|case| case.phase != CasePhase::Closed.as_str())
        .map(|case| {
            let next = deadlines.iter().find(|row| row.case_id == case.case_id);
            let left = next
                .map(|row| {
                    tr.say(
                        &row.deadline
                            .time_left(now, WorkingCalendar::embedded())
                            .map(TimeLeft::message)
                            .unwrap_or_else(TimeLeft::unknown),
                    )
                })
                .unwrap_or_default();
            let row = QueueRow {
                case_id: case.case_id.clone(),
                status: tr.say(&Message::new("phase-name").with("phase", case.phase.as_str())),
                deadline: next
                    .map(|row| {
                        format!(
                            "{} — {}",
                            tr.say(
                                &Message::new("deadline-kind-name")
                                    .with("kind", row.deadline.kind.as_str())
                            ),
                            format_almaty(row.deadline.due_at)
                        )
                    })
                    .unwrap_or_default(),
                left,
                overdue: next.is_some_and(|row| now >= row.deadline.due_at),
            };
            (next.map(|row| row.deadline.due_at), row)
        })
        .collect();
    rows.sort_by_key(|(due, _)| (due.is_none(), *due));
    let queue = QueuePage {
        tr,
        path: "/staff",
        username: staff.staff.actor.name.clone(),
        coordinator: staff.staff.actor.role == Role::Coordinator,
        csrf: staff.csrf,
        rows: rows.into_iter().map(|(_, row)| row).collect(),
    };
    page(&queue, StatusCode::OK)
}

/// One piece of evidence on the staff case page.
pub struct EvidenceView {
    pub kind: String,
    pub label: String,
    pub digest: String,
    /// Where the staff route serves it; empty when nothing was stored.
    pub href: String,
    /// Shown blurred until opened: reviewers see distressing material all day.
    pub image: bool,
    /// An upload shown through its copy without metadata (`href` serves
    /// the copy): the original's download. Empty otherwise.
    pub original_href: String,
    /// For an upload: whether its metadata was removed for display, found
    /// absent, or not checked. Empty for everything else.
    pub metadata_note: String,
    /// The browser's screenshot and DOM of a capture; empty when none.
    pub screenshot_href: String,
    pub dom_href: String,
}

/// What the coordinator can do with one order now.
pub struct OrderAction {
    pub order_id: String,
    pub can_verify: bool,
    pub can_record_non_compliance: bool,
    /// The next step of the escalation ladder, named.
    pub next_step: Option<String>,
    /// The ladder is paused: why (the coordinator may resume it).
    pub paused: Option<String>,
    /// The ladder runs and has steps left: the coordinator may pause it.
    pub can_pause: bool,
    /// The steps taken (1-based), each with its document.
    pub steps_taken: Vec<u32>,
}

#[derive(Template)]
#[template(path = "staff_case.html")]
struct CasePage {
    tr: Tr,
    path: String,
    case_id: String,
    csrf: String,
    notice: Option<String>,
    status: String,
    facts: Vec<(String, String)>,
    resources: Vec<String>,
    incidents: Vec<String>,
    votes: Vec<String>,
    orders: Vec<String>,
    order_actions: Vec<OrderAction>,
    evidence: Vec<EvidenceView>,
    /// The case's URLs staff may have captured now (none without a blob store).
    capture_urls: Vec<String>,
    /// The child's linked timeline in brief (issue 7; `super::linked`).
    linked: Option<super::linked::LinkedSummary>,
    can_vote: bool,
    can_decide: bool,
    can_respond: bool,
    /// Before the decision, for those who may decide: the orders a
    /// confirmed decision issues at once (`super::drafts`).
    draft_orders: Vec<super::drafts::DraftOrder>,
    /// Why no order can be previewed (e.g. nothing to order), if so.
    draft_orders_note: Option<String>,
    /// The regime's removal deadline, in hours from the order's receipt.
    removal_hours: u32,
    /// The response letter's text in the case's language, shown before the
    /// respond button (preview first).
    letter: Option<String>,
    /// The chair's extension form, while it may be used.
    extension: Option<ExtensionForm>,
}

/// The chair's extension form: what was typed and the errors beside each
/// field, so nothing typed is lost on an error.
#[derive(Default)]
pub struct ExtensionForm {
    pub until: String,
    pub reason: String,
    /// (field, message), in the reader's language.
    pub errors: Vec<(String, String)>,
    pub hint: String,
}

impl ExtensionForm {
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.as_str())
    }
}

async fn render_case(
    state: &AppState,
    tr: Tr,
    staff: &StaffPage,
    case_id: &str,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    render_case_with(state, tr, staff, case_id, notice, status, None).await
}

/// `render_case`, with the extension form as submitted (`extension`).
async fn render_case_with(
    state: &AppState,
    tr: Tr,
    staff: &StaffPage,
    case_id: &str,
    notice: Option<String>,
    status: StatusCode,
    extension: Option<ExtensionForm>,
) -> Response {
    // The evidence rows before the case, as in the evidence API: the case
    // read after them is at least as new, so a captured row finds its record.
    let evidence_rows = state.store.case_evidence(case_id).await.unwrap_or_default();
    let procedure = state.procedure();
    let Ok(case) = procedure.load(case_id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(case_state) = case.state() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let application = &case_state.application;
    let name_of = |category: Category| tr.t(category.message_id());
    let mut facts = vec![
        (
            tr.t("tracked-received"),
            format_almaty(case_state.received_at),
        ),
        (
            tr.t("tracked-decision-due"),
            format_almaty(case_state.decision_due.due_at),
        ),
        (
            tr.t("tracked-response-due"),
            format_almaty(case_state.response_due.due_at),
        ),
        (
            tr.t("staff-language"),
            application.language.tag().to_owned(),
        ),
        (
            tr.t("apply-child-name"),
            application.child.name.clone().unwrap_or_default(),
        ),
        (
            tr.t("apply-child-birth-date"),
            application
                .child
                .birth_date
                .map(|date| date.to_string())
                .unwrap_or_default(),
        ),
        (
            tr.t("staff-applicant"),
            application.applicant.name.clone().unwrap_or_default(),
        ),
    ];
    if let Some(decision) = &case_state.decision {
        facts.push((
            tr.t("staff-decision"),
            format!("{:?}, {}", decision.outcome, name_of(decision.category)),
        ));
    }
    let votes = case_state
        .votes
        .iter()
        .map(|vote| {
            let choice = if vote.vote == VoteChoice::Confirm {
                tr.t("staff-vote-confirm")
            } else {
                tr.t("staff-vote-not-confirm")
            };
            format!(
                "{}: {choice}, {} — {}",
                vote.expert,
                name_of(vote.category),
                vote.reasons
            )
        })
        .collect();
    let orders = case_state
        .orders
        .iter()
        .map(|order| {
            format!(
                "{} → {}: {} ({})",
                order.order_id,
                order.owner,
                tr.say(
                    &Message::new("order-status-name")
                        .with("status", order_status_name(order.status))
                ),
                order.urls.join(", ")
            )
        })
        .collect();
    let role = &staff.staff.actor.role;
    let ladder = procedure
        .regimes
        .get(&case_state.regime)
        .map(|regime| regime.escalation.clone())
        .unwrap_or_default();
    let now = state.clock.now();
    let order_actions: Vec<OrderAction> = if *role == Role::Coordinator {
        case_state
            .orders
            .iter()
            .filter(|order| order.status != OrderStatus::Removed && order.delivered_at.is_some())
            .map(|order| {
                let escalating = matches!(
                    order.status,
                    OrderStatus::NotComplied | OrderStatus::Escalated
                );
                OrderAction {
                    paused: order
                        .escalation_paused
                        .as_ref()
                        .map(|pause| pause.reason.clone()),
                    can_pause: order.escalation_paused.is_none()
                        && order.escalations.len() < ladder.len(),
                    steps_taken: (1..=order.escalations.len() as u32).collect(),
                    order_id: order.order_id.clone(),
                    can_verify: true,
                    can_record_non_compliance: !escalating
                        && order.removal_due.is_some_and(|due| now >= due),
                    next_step: escalating
                        .then(|| ladder.get(order.escalations.len()))
                        .flatten()
                        .map(|step| {
                            tr.say(
                                &Message::new("escalation-kind-name")
                                    .with("kind", step.kind.as_str()),
                            )
                        }),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let awaiting = case_state.phase.awaits_decision();
    let decided = matches!(
        case_state.phase,
        CasePhase::Refused | CasePhase::Confirmed | CasePhase::NotConfirmed
    );
    let can_decide =
        awaiting && (*role == Role::Coordinator || *role == Role::Expert { chair: true });
    let can_respond =
        decided && case_state.response_sent_at.is_none() && *role == Role::Coordinator;
    let regime = procedure.regimes.get(&case_state.regime).ok();
    let (draft_orders, draft_orders_note) = if can_decide {
        match super::drafts::draft_orders(state, &staff.staff.actor, case_id, tr.language).await {
            Ok((drafts, _)) => (drafts, None),
            Err(qorgau_app::ServiceError::Procedure(error)) => {
                (Vec::new(), Some(tr.say(&error.explain())))
            }
            Err(_) => (Vec::new(), Some(tr.t("problem-internal"))),
        }
    } else {
        (Vec::new(), None)
    };
    // The letter as it will go out, dated today, in the case's language.
    let letter = match (&state.outbox, regime) {
        (Some(outbox), Some(regime)) if can_respond => outbox
            .response_letter(&case_state, &case.events, case_id, regime, now)
            .ok()
            .map(|rendered| rendered.text),
        _ => None,
    };
    let extension = match regime {
        Some(regime)
            if awaiting
                && staff.staff.actor.role == (Role::Expert { chair: true })
                && case_state.extension.is_none() =>
        {
            match (
                regime.deadlines.extension_max_calendar_days,
                regime.deadlines.extension_notice_working_days,
            ) {
                (Some(max_days), Some(notice_days)) => {
                    let mut form = extension.unwrap_or_default();
                    form.hint = tr.say(
                        &Message::new("staff-extension-hint")
                            .with("max_days", i64::from(max_days))
                            .with("notice_days", i64::from(notice_days)),
                    );
                    Some(form)
                }
                // The regime provides no extension: no form.
                _ => None,
            }
        }
        _ => None,
    };
    let view = CasePage {
        tr,
        path: format!("/staff/cases/{case_id}"),
        case_id: case_id.to_owned(),
        csrf: staff.csrf.clone(),
        notice,
        status: tr.say(&Message::new("phase-name").with("phase", case_state.phase.as_str())),
        facts,
        resources: application
            .resources
            .iter()
            .map(|resource| format!("{} ({})", resource.url, resource.platform))
            .collect(),
        incidents: application
            .incidents
            .iter()
            .map(|incident| {
                format!(
                    "{} — {} {}",
                    incident.occurred_on,
                    incident.description,
                    incident.actor.clone().unwrap_or_default()
                )
            })
            .collect(),
        votes,
        orders,
        order_actions,
        evidence: evidence_views(state, tr, case_id, evidence_rows, &case_state).await,
        capture_urls: if state.evidence.is_some() {
            qorgau_app::evidence::case_urls(&case_state)
        } else {
            Vec::new()
        },
        linked: super::linked::summary(state, tr, case_id).await,
        can_vote: awaiting && matches!(role, Role::Expert { .. }),
        can_decide,
        can_respond,
        draft_orders,
        draft_orders_note,
        removal_hours: regime.map_or(0, |regime| regime.deadlines.removal_hours),
        letter,
        extension,
    };
    page(&view, status)
}

pub async fn case(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
) -> Response {
    render_case(
        &state,
        Tr { language },
        &staff,
        &case_id,
        None,
        StatusCode::OK,
    )
    .await
}

/// Runs a command from a form; on success back to the case (POST-redirect-GET),
/// otherwise the case again with the reason on top.
async fn act(
    state: &AppState,
    language: qorgau_domain::message::Language,
    staff: &StaffPage,
    case_id: &str,
    command: Command,
) -> Response {
    let tr = Tr { language };
    match state
        .procedure()
        .run(case_id, &staff.staff.actor, command)
        .await
    {
        Ok(_) => {
            Redirect::to(&format!("/staff/cases/{case_id}?lang={}", language.tag())).into_response()
        }
        Err(qorgau_app::ServiceError::Procedure(error)) => {
            // Not this role's to do: 403, as the API answers; any other
            // refusal of the procedure is about the case's state: 409.
            let status = if matches!(error, ProcedureError::NotAllowed { .. }) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::CONFLICT
            };
            render_case(
                state,
                tr,
                staff,
                case_id,
                Some(tr.say(&error.explain())),
                status,
            )
            .await
        }
        Err(_) => {
            render_case(
                state,
                tr,
                staff,
                case_id,
                Some(tr.t("problem-internal")),
                StatusCode::INTERNAL_SERVER_ERROR,
            )
            .await
        }
    }
}

pub async fn vote(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let vote = if values.get("vote").map(String::as_str) == Some("confirm") {
        VoteChoice::Confirm
    } else {
        VoteChoice::NotConfirm
    };
    let category = values
        .get("category")
        .and_then(|value| value.parse::<Category>().ok())
        .unwrap_or(Category::None);
    let reasons = values.get("reasons").cloned().unwrap_or_default();
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::Vote {
            vote,
            category,
            indicators: Vec::new(),
            reasons,
        },
    )
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let override_reason = values.get("override_reason").cloned();
    let Ok(command) = state
        .procedure()
        .decide_command(&case_id, override_reason)
        .await
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    act(&state, language, &staff, &case_id, command).await
}

pub async fn respond(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::SendResponse {
            channel: "email".to_owned(),
        },
    )
    .await
}

/// `GET /staff/cases/{case_id}/draft-orders/{number}/document.pdf` and
/// `….html`: a prospective order as a draft (those who may decide, before
/// the decision).
pub async fn draft_order_pdf(
    State(state): State<AppState>,
    staff: StaffPage,
    Path((case_id, number)): Path<(String, usize)>,
) -> Response {
    super::drafts::draft_document(
        &state,
        &staff.staff.actor,
        &case_id,
        number,
        super::drafts::DraftFormat::Pdf,
    )
    .await
}

pub async fn draft_order_html(
    State(state): State<AppState>,
    staff: StaffPage,
    Path((case_id, number)): Path<(String, usize)>,
) -> Response {
    super::drafts::draft_document(
        &state,
        &staff.staff.actor,
        &case_id,
        number,
        super::drafts::DraftFormat::Html,
    )
    .await
}

/// The chair extends consideration (Order 562-НҚ: a reasoned decision, at
/// most 15 calendar days from receipt; the regime holds the numbers). On an
/// error the case page comes back with the form as typed and the error
/// beside its field; nothing is recorded.
pub async fn extend(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) || staff.staff.actor.role != (Role::Expert { chair: true }) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let mut form = ExtensionForm {
        until: values.get("until").cloned().unwrap_or_default(),
        reason: values.get("reason").cloned().unwrap_or_default(),
        ..ExtensionForm::default()
    };
    let until = match qorgau_domain::validation::parse_date(form.until.trim()) {
        Ok(day) => Some(day),
        Err(error) => {
            form.errors.push(("until".into(), tr.say(&error.explain())));
            None
        }
    };
    if form.reason.trim().is_empty() {
        form.errors.push((
            "extension_reason".into(),
            tr.t("staff-extension-reason-required"),
        ));
    }
    if let (Some(until), true) = (until, form.errors.is_empty()) {
        let command = Command::Extend {
            until,
            reason: form.reason.clone(),
        };
        match state
            .procedure()
            .run(&case_id, &staff.staff.actor, command)
            .await
        {
            Ok(_) => {
                return Redirect::to(&format!("/staff/cases/{case_id}?lang={}", language.tag()))
                    .into_response();
            }
            Err(qorgau_app::ServiceError::CaseNotFound(_)) => {
                return StatusCode::NOT_FOUND.into_response();
            }
            // The date is outside what the law allows (too long, not later
            // than the current deadline, too late to extend): beside the date.
            Err(qorgau_app::ServiceError::Procedure(error)) => {
                let field = if matches!(error, ProcedureError::ReasonRequired { .. }) {
                    "extension_reason"
                } else {
                    "until"
                };
                form.errors.push((field.into(), tr.say(&error.explain())));
            }
            Err(_) => {
                return render_case(
                    &state,
                    tr,
                    &staff,
                    &case_id,
                    Some(tr.t("problem-internal")),
                    StatusCode::INTERNAL_SERVER_ERROR,
                )
                .await;
            }
        }
    }
    render_case_with(
        &state,
        tr,
        &staff,
        &case_id,
        Some(tr.t("staff-extension-errors")),
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(form),
    )
    .await
}

/// The coordinator registers a paper application: the same form, plus the
/// date stamped on arrival, the language it is written in and a postal address.
/// An inadmissible paper application is recorded as refused (it is answered by
/// letter), unlike an online one, which the form explains before recording.
pub async fn register_form(
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
) -> Response {
    if staff.staff.actor.role != Role::Coordinator {
        return StatusCode::FORBIDDEN.into_response();
    }
    let form = super::apply::ApplyPage {
        tr: Tr { language },
        path: "/staff/register",
        action: "/staff/register",
        staff_csrf: Some(staff.csrf.clone()),
        form: super::apply::FormState::default(),
    };
    page(&form, StatusCode::OK)
}

pub async fn register(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if staff.staff.actor.role != Role::Coordinator || !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let (application, resource_ids, incident_numbers) = super::apply::to_application(&values);
    let now = state.clock.now();
    let mut errors: Vec<(String, Message)> = Vec::new();
    // The day stamped on arrival: deadlines count from it. Today means now.
    let received_at = match values
        .get("received_on")
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
    {
        None => None,
        Some(text) => match qorgau_domain::validation::parse_date(text) {
            Ok(day) if day == almaty_date(now) => None,
            Ok(day) => Some(qorgau_domain::deadline::start_of_day(day)),
            Err(error) => {
                errors.push(("received_on".into(), error.explain()));
                None
            }
        },
    };
    if errors.is_empty() {
        let intake = qorgau_app::Intake {
            form: &application,
            channel: qorgau_domain::application::Channel::Paper,
            received_at,
            record_refusals: true,
        };
        match state.procedure().submit(intake, &staff.staff.actor).await {
            Ok(submitted) => {
                let applied = super::apply::AppliedPage {
                    tr,
                    path: "/staff/register",
                    case_id: submitted.case_id,
                    access_code: submitted.access_code,
                    decision_due: format_almaty(submitted.state.decision_due.due_at),
                    response_due: format_almaty(submitted.state.response_due.due_at),
                };
                return page(&applied, StatusCode::CREATED);
            }
            Err(qorgau_app::ServiceError::Intake(
                qorgau_domain::procedure::IntakeError::InvalidFields(fields),
            )) => {
                for field in fields {
                    errors.push((
                        super::apply::form_field(&field.field, &resource_ids, &incident_numbers),
                        field.message,
                    ));
                }
            }
            Err(qorgau_app::ServiceError::Intake(
                qorgau_domain::procedure::IntakeError::ReceivedInFuture,
            )) => {
                errors.push(("received_on".into(), Message::new("field-date-in-future")));
            }
            Err(qorgau_app::ServiceError::Intake(
                qorgau_domain::procedure::IntakeError::Regime(error),
            )) => {
                errors.push(("received_on".into(), error.explain()));
            }
            Err(_) => errors.push(("applicant_name".into(), Message::new("problem-internal"))),
        }
    }
    let mut form = super::apply::FormState {
        values,
        errors: Vec::new(),
    };
    form.errors = errors
        .into_iter()
        .map(|(field, message)| (field, tr.say(&message)))
        .collect();
    let view = super::apply::ApplyPage {
        tr,
        path: "/staff/register",
        action: "/staff/register",
        staff_csrf: Some(staff.csrf.clone()),
        form,
    };
    page(&view, StatusCode::UNPROCESSABLE_ENTITY)
}

/// The coordinator records what a check of an order's URLs showed.
pub async fn verify_order(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path((case_id, order_id)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let result = match values.get("result").map(String::as_str) {
        Some("removed") => VerificationResult::Removed,
        Some("still_present") => VerificationResult::StillPresent,
        _ => VerificationResult::Unreachable,
    };
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::VerifyRemoval {
            order_id,
            result,
            note: None,
        },
    )
    .await
}

/// The coordinator records that the removal deadline passed without removal.
pub async fn not_complied(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path((case_id, order_id)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::RecordNonCompliance { order_id },
    )
    .await
}

/// The coordinator pauses the order's escalation ladder, with a reason.
pub async fn pause(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path((case_id, order_id)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let reason = values.get("reason").cloned().unwrap_or_default();
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::PauseEscalation { order_id, reason },
    )
    .await
}

/// The coordinator resumes a paused ladder; later steps move by the pause.
pub async fn resume(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path((case_id, order_id)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::ResumeEscalation { order_id },
    )
    .await
}

/// The coordinator takes the next step of the escalation ladder (a reason is
/// required to act before the step's time; the procedure says so if missing).
pub async fn escalate(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path((case_id, order_id)): Path<(String, String)>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let early_reason = values
        .get("reason")
        .cloned()
        .filter(|reason| !reason.trim().is_empty());
    act(
        &state,
        language,
        &staff,
        &case_id,
        Command::Escalate {
            order_id,
            early_reason,
        },
    )
    .await
}

async fn evidence_views(
    state: &AppState,
    tr: Tr,
    case_id: &str,
    rows: Vec<EvidenceRow>,
    case_state: &qorgau_domain::procedure::CaseState,
) -> Vec<EvidenceView> {
    let mut views = Vec::new();
    for row in rows {
        let stored = row.digest.is_some() && row.status == "ok";
        let record = case_state.evidence_item(&row.evidence_id);
        let item_href = format!("/staff/cases/{case_id}/evidence/{}", row.evidence_id);
        let upload = stored && row.kind == "upload";
        // An upload's copy without metadata is what staff see; the file
        // itself stays the evidence, a download away.
        let stripped = record
            .filter(|_| upload)
            .and_then(|record| Some((record.stripped.as_ref()?, stripped_link(record)?)));
        let mut image = false;
        let (mut href, mut original_href, mut metadata_note) =
            (String::new(), String::new(), String::new());
        if let Some((copy, link)) = stripped {
            image = link.media_type.starts_with("image/");
            href = format!("{item_href}?part=stripped");
            original_href = item_href;
            metadata_note = tr.t(if copy.removed.is_empty() {
                "staff-metadata-none"
            } else {
                "staff-metadata-removed"
            });
        } else if stored {
            if upload
                && let (Some(evidence), Some(digest)) = (
                    &state.evidence,
                    row.digest.as_deref().and_then(|text| text.parse().ok()),
                )
                && let Ok(bytes) = evidence.read(&digest).await
            {
                image = qorgau_app::upload::sniff(&bytes).is_some_and(|media| media.is_image());
            }
            // A referral package is Qorgau's own document: nothing to check.
            let ours = case_state
                .referral_packages
                .iter()
                .any(|package| package.evidence_id == row.evidence_id);
            if upload && !ours {
                metadata_note = tr.t("staff-metadata-not-checked");
            }
            href = item_href;
        }
        let browser = record.and_then(|record| record.browser.as_ref());
        views.push(EvidenceView {
            kind: row.kind.clone(),
            label: if row.url.is_empty() {
                row.evidence_id.clone()
            } else {
                row.url.clone()
            },
            digest: row
                .digest
                .clone()
                .unwrap_or_else(|| row.reason.clone().unwrap_or_default()),
            href,
            image,
            original_href,
            metadata_note,
            screenshot_href: browser
                .map(|_| {
                    format!(
                        "/staff/cases/{case_id}/evidence/{}?part=screenshot",
                        row.evidence_id
                    )
                })
                .unwrap_or_default(),
            dom_href: browser
                .map(|_| {
                    format!(
                        "/staff/cases/{case_id}/evidence/{}?part=dom",
                        row.evidence_id
                    )
                })
                .unwrap_or_default(),
        });
    }
    views
}

/// A coordinator or expert asks for a capture of one of the case's URLs now
/// (the same durable job as at intake); back to the case, or the case with
/// the reason when the URL is not the case's.
pub async fn request_capture(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    staff: StaffPage,
    Path(case_id): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Response {
    if !staff.check_csrf(&values) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let tr = Tr { language };
    let url = values.get("url").map(String::as_str).unwrap_or_default();
    let requested = qorgau_app::evidence::request_capture(
        state.store.as_ref(),
        &case_id,
        url,
        state.clock.now(),
    )
    .await;
    let (notice, status) = match requested {
        // Back to the case (POST-redirect-GET: a reload does not ask twice).
        Ok(qorgau_app::evidence::CaptureRequest::Queued { .. }) => {
            return Redirect::to(&format!("/staff/cases/{case_id}?lang={}", language.tag()))
                .into_response();
        }
        Ok(qorgau_app::evidence::CaptureRequest::NotACaseUrl) => (
            tr.t("capture-request-not-a-case-url"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(qorgau_app::ServiceError::CaseNotFound(_)) => {
            return StatusCode::NOT_FOUND.into_response();
        }
        Err(_) => (tr.t("problem-internal"), StatusCode::INTERNAL_SERVER_ERROR),
    };
    render_case(&state, tr, &staff, &case_id, Some(notice), status).await
}

/// A derived file of an item: a capture's screenshot (inline, for viewing)
/// or DOM (plain text to download: the page's own markup is never served as
/// HTML here), or an upload's copy without metadata (inline, what the case
/// page shows of an uploaded image).
async fn derived_part(state: &AppState, case_id: &str, evidence_id: &str, part: &str) -> Response {
    let Ok(case) = state.procedure().load(case_id).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(case_state) = case.state() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(record) = case_state.evidence_item(evidence_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let snapshot = record.browser.as_ref();
    let stripped = stripped_link(record);
    let (digest, content_type, disposition) = match (part, snapshot, &stripped) {
        ("screenshot", Some(snapshot), _) => (
            snapshot.screenshot.clone(),
            "image/png",
            "inline".to_owned(),
        ),
        ("dom", Some(snapshot), _) => (
            snapshot.dom.clone(),
            "text/plain; charset=utf-8",
            format!("attachment; filename=\"{evidence_id}.dom.html.txt\""),
        ),
        ("stripped", _, Some(link)) => (
            link.derived.to_string(),
            match link.media_type.as_str() {
                "image/jpeg" => "image/jpeg",
                "image/png" => "image/png",
                "image/webp" => "image/webp",
                _ => "application/octet-stream",
            },
            "inline".to_owned(),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let (Some(evidence), Ok(digest)) = (&state.evidence, digest.parse()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = evidence.read(&digest).await else {
        // Damaged or missing: never served.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Serves one stored evidence item to staff, byte for byte as stored:
/// verified against its digest, images inline (for the blurred preview),
/// everything else as a download — and an upload that has a copy without
/// metadata as a download too, named after the item: the case page shows
/// the copy (`?part=stripped`), and opening the original is a deliberate
/// step.
pub async fn evidence_file(
    State(state): State<AppState>,
    _staff: StaffPage,
    Path((case_id, evidence_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Some(part) = query.get("part") {
        return derived_part(&state, &case_id, &evidence_id, part).await;
    }
    let Ok(rows) = state.store.case_evidence(&case_id).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(row) = rows.into_iter().find(|row| row.evidence_id == evidence_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (Some(evidence), Some(digest)) = (
        &state.evidence,
        row.digest.as_deref().and_then(|text| text.parse().ok()),
    ) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(bytes) = evidence.read(&digest).await else {
        // Damaged or missing: never served.
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let media = qorgau_app::upload::sniff(&bytes);
    let content_type = match (row.kind.as_str(), media) {
        ("capture" | "recapture", _) => "application/warc",
        (_, Some(media)) => media.as_str(),
        (_, None) => "application/octet-stream",
    };
    let stripped = match state.procedure().load(&case_id).await {
        Ok(case) => case.state().ok().is_some_and(|case_state| {
            case_state
                .evidence_item(&evidence_id)
                .is_some_and(|record| record.stripped.is_some())
        }),
        Err(_) => false,
    };
    let inline = media.is_some_and(|media| media.is_image()) && !stripped;
    let disposition = match media {
        _ if inline => "inline".to_owned(),
        Some(media) if stripped => {
            format!(
                "attachment; filename=\"{evidence_id}.{}\"",
                media.extension()
            )
        }
        _ => format!("attachment; filename=\"{evidence_id}\""),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
