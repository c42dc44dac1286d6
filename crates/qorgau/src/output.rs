//! What the command line prints. Text goes through Fluent (`locales/*/cli.ftl`);
//! times are shown in Almaty time; `--json` output is for scripts.

use std::fmt::Write;

use jiff::Timestamp;
use qorgau_domain::calendar::WorkingCalendar;
use qorgau_domain::deadline::{Deadline, almaty_date, format_almaty, rfc3339_almaty};
use qorgau_domain::message::Message;
use qorgau_domain::procedure::command::order_status_name;
use qorgau_domain::procedure::{CaseEvent, CaseState, PendingDeadline, TimeLeft};
use qorgau_store::{CaseSummary, DeadlineRow, Store, TimelineEntry};

use crate::Session;
use crate::error::AppError;
use qorgau_app::{Procedure, Submitted};

/// "3 working days left" / "due today" / "overdue by 2 working days", or hours
/// for deadlines that run on the clock.
pub fn time_left(session: &Session, deadline: &PendingDeadline, now: Timestamp) -> String {
    let message = deadline
        .time_left(now, WorkingCalendar::embedded())
        .map(TimeLeft::message)
        .unwrap_or_else(TimeLeft::unknown);
    session.say(&message)
}

fn deadline_line(session: &Session, kind: &str, deadline: &Deadline) -> String {
    let mut line = session.say(
        &Message::new("cli-deadline")
            .with("kind", kind)
            .with("date", deadline.last_day.to_string())
            .with("time", format_almaty(deadline.due_at)),
    );
    if deadline.provisional {
        line.push(' ');
        line.push_str(&session.say(&Message::new("cli-provisional")));
    }
    line
}

pub fn submitted<S: Store>(
    session: &Session,
    procedure: &Procedure<'_, S>,
    submitted: &Submitted,
) -> Result<String, AppError> {
    let case_id = submitted.case_id.as_str();
    let state = &submitted.state;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}",
        session.say(
            &Message::new("cli-case-created")
                .with("case", case_id)
                .with("phase", state.phase.as_str())
        )
    );
    let regime = procedure.regimes.get(&state.regime)?;
    let _ = writeln!(
        text,
        "{}",
        session.say(&Message::new("cli-regime").with("regime", regime.title.get(session.language)))
    );
    let _ = writeln!(
        text,
        "{}",
        session.say(&Message::new("cli-access-code").with("code", submitted.access_code.as_str()))
    );
    if state.refusal.is_empty() {
        let _ = writeln!(
            text,
            "{}",
            deadline_line(session, "decision", &state.decision_due)
        );
    }
    let _ = writeln!(
        text,
        "{}",
        deadline_line(session, "response", &state.response_due)
    );
    for reason in &state.refusal {
        let _ = writeln!(text, "{}", session.say(&reason.explain(regime)));
    }
    Ok(text)
}

pub fn recorded<S: Store>(
    session: &Session,
    _procedure: &Procedure<'_, S>,
    case_id: &str,
    events: &[CaseEvent],
    state: &CaseState,
) -> Result<String, AppError> {
    let mut text = String::new();
    for event in events {
        let _ = writeln!(
            text,
            "{}",
            session.say(&Message::new("cli-event-recorded").with("event", event.type_name()))
        );
        if let CaseEvent::OrderIssued {
            order_id, owner, ..
        } = event
        {
            let _ = writeln!(
                text,
                "  {}",
                session.say(
                    &Message::new("cli-order-issued")
                        .with("order", order_id.as_str())
                        .with("owner", owner.as_str())
                )
            );
        }
    }
    let _ = writeln!(
        text,
        "{}",
        session.say(
            &Message::new("cli-case-phase")
                .with("case", case_id)
                .with("phase", state.phase.as_str())
        )
    );
    Ok(text)
}

pub fn case_text<S: Store>(
    session: &Session,
    procedure: &Procedure<'_, S>,
    case_id: &str,
    state: &CaseState,
    timeline: &[TimelineEntry],
) -> Result<String, AppError> {
    let now = procedure.clock.now();
    let regime = procedure.regimes.get(&state.regime)?;
    let application = &state.application;
    let mut text = String::new();
    let say = |message: Message| session.say(&message);
    let _ = writeln!(
        text,
        "{}",
        say(Message::new("cli-case-phase")
            .with("case", case_id)
            .with("phase", state.phase.as_str()))
    );
    let _ = writeln!(
        text,
        "{}",
        say(Message::new("cli-regime").with("regime", regime.title.get(session.language)))
    );
    let _ = writeln!(
        text,
        "{}",
        say(Message::new("cli-received")
            .with("time", format_almaty(state.received_at))
            .with("channel", serde_plain(&state.channel))
            .with("language", application.language.tag()))
    );
    for deadline in state.pending_deadlines(&regime.escalation) {
        let _ = writeln!(
            text,
            "{}",
            say(Message::new("cli-pending-deadline")
                .with("kind", deadline.kind.as_str())
                .with("order", deadline.order_id.clone().unwrap_or_default())
                .with("time", format_almaty(deadline.due_at))
                .with("left", time_left(session, &deadline, now)))
        );
    }
    for reason in &state.refusal {
        let _ = writeln!(text, "{}", session.say(&reason.explain(regime)));
    }
    if let Some(extension) = &state.extension {
        let _ = writeln!(
            text,
            "{}",
            say(Message::new("cli-extension")
                .with("date", extension.until.to_string())
                .with("reason", extension.reason.as_str()))
        );
    }
    let _ = writeln!(
        text,
        "{}",
        say(Message::new("cli-resources").with("count", application.resources.len() as i64))
    );
    for resource in &application.resources {
        let _ = writeln!(text, "  - {} ({})", resource.url, resource.platform);
    }
    let _ = writeln!(
        text,
        "{}",
        say(Message::new("cli-incidents").with("count", application.incidents.len() as i64))
    );
    for incident in &application.incidents {
        let _ = writeln!(
            text,
            "  - {} {} {}",
            incident.occurred_on,
            incident.resource_key.as_deref().unwrap_or("-"),
            incident.actor.as_deref().unwrap_or("")
        );
    }
    for vote in &state.votes {
        let _ = writeln!(
            text,
            "{}",
            say(Message::new("cli-vote")
                .with("expert", vote.expert.as_str())
                .with("vote", serde_plain(&vote.vote))
                .with("category", serde_plain(&vote.category))
                .with("reasons", vote.reasons.as_str()))
        );
    }
    if let Some(decision) = &state.decision {
        let _ = writeln!(
            text,
            "{}",
            say(Message::new("cli-decision")
                .with("outcome", serde_plain(&decision.outcome))
                .with("category", serde_plain(&decision.category))
                .with("time", format_almaty(decision.decided_at)))
        );
    }
    for order in &state.orders {
        let _ = writeln!(
            text,
            "{}",
            say(Message::new("cli-order")
                .with("order", order.order_id.as_str())
                .with("owner", order.owner.as_str())
                .with("status", order_status_name(order.status)))
        );
        for url in &order.urls {
            let _ = writeln!(text, "    {url}");
        }
    }
    let _ = writeln!(text, "{}", say(Message::new("cli-timeline")));
    for entry in timeline {
        let _ = writeln!(
            text,
            "  #{} {} {} ({})",
            entry.seq,
            format_almaty(entry.recorded_at),
            entry.event_type,
            entry.actor
        );
    }
    Ok(text)
}

/// A serde enum value as its plain string (`"confirmed"`).
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub fn case_json<S: Store>(
    procedure: &Procedure<'_, S>,
    case_id: &str,
    state: &CaseState,
    timeline: &[TimelineEntry],
) -> Result<String, AppError> {
    let regime = procedure.regimes.get(&state.regime)?;
    let deadlines: Vec<serde_json::Value> = state
        .pending_deadlines(&regime.escalation)
        .iter()
        .map(|deadline| {
            serde_json::json!({
                "kind": deadline.kind,
                "order_id": deadline.order_id,
                "due_at": rfc3339_almaty(deadline.due_at),
                "last_day": deadline.last_day,
                "provisional": deadline.provisional,
            })
        })
        .collect();
    let timeline: Vec<serde_json::Value> = timeline
        .iter()
        .map(|entry| {
            serde_json::json!({
                "seq": entry.seq,
                "type": entry.event_type,
                "actor": entry.actor,
                "recorded_at": rfc3339_almaty(entry.recorded_at),
            })
        })
        .collect();
    let document = serde_json::json!({
        "case_id": case_id,
        "phase": state.phase,
        "regime": state.regime,
        "received_at": rfc3339_almaty(state.received_at),
        "decision_due": rfc3339_almaty(state.decision_due.due_at),
        "response_due": rfc3339_almaty(state.response_due.due_at),
        "pending_deadlines": deadlines,
        "state": state,
        "timeline": timeline,
    });
    serde_json::to_string_pretty(&document)
        .map_err(|error| AppError::Store(qorgau_store::StoreError::Corrupt(error.to_string())))
}

pub fn case_list(session: &Session, cases: &[CaseSummary], json: bool) -> String {
    if json {
        let rows: Vec<serde_json::Value> = cases
            .iter()
            .map(|case| {
                serde_json::json!({
                    "case_id": case.case_id,
                    "phase": case.phase,
                    "regime": case.regime,
                    "language": case.language,
                    "received_at": rfc3339_almaty(case.received_at),
                })
            })
            .collect();
        return format!("{}\n", serde_json::Value::Array(rows));
    }
    if cases.is_empty() {
        return format!("{}\n", session.say(&Message::new("cli-no-cases")));
    }
    let mut text = String::new();
    for case in cases {
        let _ = writeln!(
            text,
            "{}\t{}\t{}\t{}",
            case.case_id,
            format_almaty(case.received_at),
            case.language,
            session.say(&Message::new("phase-name").with("phase", case.phase.as_str()))
        );
    }
    text
}

pub fn board(session: &Session, rows: &[DeadlineRow], json: bool) -> String {
    let now = session.clock.now();
    if json {
        let rows: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                let working_days_left = row.deadline.last_day.and_then(|last_day| {
                    WorkingCalendar::embedded()
                        .working_days_between(almaty_date(now), last_day)
                        .ok()
                });
                serde_json::json!({
                    "case_id": row.case_id,
                    "phase": row.phase,
                    "kind": row.deadline.kind,
                    "order_id": row.deadline.order_id,
                    "due_at": rfc3339_almaty(row.deadline.due_at),
                    "last_day": row.deadline.last_day,
                    "overdue": now >= row.deadline.due_at,
                    "working_days_left": working_days_left,
                    "provisional": row.deadline.provisional,
                })
            })
            .collect();
        return format!("{}\n", serde_json::Value::Array(rows));
    }
    if rows.is_empty() {
        return format!("{}\n", session.say(&Message::new("cli-board-empty")));
    }
    let mut text = String::new();
    for row in rows {
        let marker = if now >= row.deadline.due_at { "!" } else { " " };
        let _ = writeln!(
            text,
            "{marker} {}\t{}\t{}\t{}\t{}",
            format_almaty(row.deadline.due_at),
            row.case_id,
            session
                .say(&Message::new("deadline-kind-name").with("kind", row.deadline.kind.as_str())),
            row.deadline.order_id.as_deref().unwrap_or(""),
            time_left(session, &row.deadline, now)
        );
    }
    text
}
