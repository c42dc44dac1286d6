//! `/metrics` in the Prometheus text format: requests, latencies, the case
//! writer's batches and busy time, cases by state, overdue deadlines. No
//! labels carry case numbers or personal data.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use qorgau_domain::procedure::CasePhase;
use qorgau_store::Store;

use crate::state::AppState;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route, status) → count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route → latency histogram.
    latency: Mutex<BTreeMap<String, Histogram>>,
}

/// Middleware: counts every request by its route pattern (never the raw path,
/// which would carry case numbers) and measures its latency.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    if let Ok(mut requests) = state.metrics.requests.lock() {
        *requests.entry((method, route.clone(), status)).or_default() += 1;
    }
    if let Ok(mut latency) = state.metrics.latency.lock() {
        let histogram = latency.entry(route).or_default();
        for (index, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                histogram.counts[index] += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }
    response
}

/// `GET /metrics`.
pub async fn render(State(state): State<AppState>) -> Response {
    let mut text = String::new();
    text.push_str("# HELP qorgau_http_requests_total HTTP requests by route and status.\n");
    text.push_str("# TYPE qorgau_http_requests_total counter\n");
    if let Ok(requests) = state.metrics.requests.lock() {
        for ((method, route, status), count) in requests.iter() {
            let _ = writeln!(
                text,
                "qorgau_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
    }
    text.push_str("# HELP qorgau_http_request_duration_seconds Request latency by route.\n");
    text.push_str("# TYPE qorgau_http_request_duration_seconds histogram\n");
    if let Ok(latency) = state.metrics.latency.lock() {
        for (route, histogram) in latency.iter() {
            for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
                let _ = writeln!(
                    text,
                    "qorgau_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                text,
                "qorgau_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(
                text,
                "qorgau_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                histogram.sum
            );
            let _ = writeln!(
                text,
                "qorgau_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                histogram.count
            );
        }
    }
    let writer = state.store.writer_stats();
    for (name, help, value) in [
        (
            "qorgau_store_write_batches_total",
            "Transactions of this instance's case writer (group commit: each holds one or more writes).",
            writer.batches as f64,
        ),
        (
            "qorgau_store_writes_total",
            "Case writes this instance's writer committed or refused.",
            writer.writes as f64,
        ),
        (
            "qorgau_store_writer_busy_seconds_total",
            "Time this instance's case writer spent on batches; a rate near 1 means it is saturated.",
            writer.busy.as_secs_f64(),
        ),
    ] {
        let _ = writeln!(
            text,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
        );
    }
    let gauges = state.store.case_gauges(state.clock.now()).await;
    text.push_str("# HELP qorgau_cases Cases by state.\n# TYPE qorgau_cases gauge\n");
    if let Ok(gauges) = &gauges {
        for phase in CasePhase::ALL {
            let phase = phase.as_str();
            let count = gauges.cases_per_phase.get(phase).copied().unwrap_or(0);
            let _ = writeln!(text, "qorgau_cases{{state=\"{phase}\"}} {count}");
        }
    }
    text.push_str("# HELP qorgau_deadlines_overdue Pending deadlines already past, by kind.\n");
    text.push_str("# TYPE qorgau_deadlines_overdue gauge\n");
    if let Ok(gauges) = &gauges {
        for (kind, count) in &gauges.overdue_per_kind {
            let _ = writeln!(text, "qorgau_deadlines_overdue{{kind=\"{kind}\"}} {count}");
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
