//! The public figures in the browser: the dashboard (`GET /stats`) and the
//! transparency reports (`GET /stats/report?period=…&format=html|pdf|csv|json`).
//! No login: every number has been through `qorgau_domain::statistics`'
//! suppression, and the pages show nothing else. Charts are server-rendered
//! SVG with `role="img"`, a `<title>` and a `<desc>`, each beside the table of
//! its numbers, so a screen reader and a browser without JavaScript or images
//! get everything.
//!
//! The dashboard is exactly `GET /api/v1/stats` (all cases, the operator's
//! threshold): one more rendering of the same publication, not another view
//! of the cases. A report of a period is its year's joint publication
//! (`statistics::report`). A report's PDF is built from the very view its
//! HTML page renders (`report_page`), so both show the same published values
//! with the same labels.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use qorgau_documents as documents;
use qorgau_domain::category::Category;
use qorgau_domain::deadline::format_almaty;
use qorgau_domain::message::{Explain, Language};
use qorgau_domain::statistics::report::{
    LogSource, ReportPeriod, TransparencyReport, transparency_report_of_tallies,
};
use qorgau_domain::statistics::{
    Durations, Figure, Period, PublicStatistics, Table, figures_of_tallies, publish,
};
use qorgau_store::{Statistics, StoreError, TallySnapshot};

use super::{Tr, page};
use crate::language::RequestLanguage;
use crate::state::AppState;

/// The routes of this module (public).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats", get(dashboard))
        .route("/stats/report", get(report))
        .route("/stats/report/{period}", get(report_at))
}

/// One bar of a chart and the row of its table.
pub struct Bar {
    pub label: String,
    /// As published: the number, `<5` or the word for a suppressed cell.
    pub shown: String,
    /// Bar length in pixels (0 for a hidden value).
    pub width: u32,
    pub y: u32,
}

/// One chart with its table.
pub struct Chart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<Bar>,
    pub total: Option<String>,
    pub height: u32,
    /// The heading of the table's value column (a number, hours, a share).
    pub value_column: String,
}

/// Median and 90th percentile lines.
pub struct DurationRow {
    pub label: String,
    pub count: String,
    pub median: String,
    pub p90: String,
}

pub struct ComplianceRow {
    pub owner: String,
    pub cells: Vec<String>,
}

/// Everything a page shows, in one language.
pub struct FiguresView {
    pub charts: Vec<Chart>,
    pub durations: Vec<DurationRow>,
    /// The durations' medians and 90th percentiles as charts.
    pub duration_charts: Vec<Chart>,
    /// Each owner's share removed within the 24 hours as a chart.
    pub compliance_charts: Vec<Chart>,
    pub compliance_columns: Vec<String>,
    pub compliance: Vec<ComplianceRow>,
    pub decision_on_time: Option<String>,
    pub referred: String,
    pub threshold: u64,
}

/// Bars up to 440 px, leaving room for the value after the longest; each
/// row a label line above its bar.
const BAR_AREA: u32 = 440;
const ROW_HEIGHT: u32 = 40;

fn shown(tr: &Tr, figure: Figure) -> String {
    match figure {
        Figure::Count(count) => count.to_string(),
        Figure::BelowThreshold { threshold } => format!("<{threshold}"),
        Figure::Suppressed => tr.t("stats-suppressed"),
    }
}

/// The label of a row key: a Fluent message for the fixed keys, the key itself
/// for months, platforms and owners (names, not sentences).
fn label(tr: &Tr, key: &str) -> String {
    let id = match key {
        "refused_resource_required" => "stats-outcome-refused-resource",
        "refused_not_a_child" => "stats-outcome-refused-not-a-child",
        "refused_applicant_fields_missing" => "stats-outcome-refused-fields",
        "confirmed" => "stats-outcome-confirmed",
        "not_confirmed" => "stats-outcome-not-confirmed",
        "pending" => "stats-outcome-pending",
        "under_10" => "stats-age-under-10",
        "10_13" => "stats-age-10-13",
        "14_15" => "stats-age-14-15",
        "16_17" => "stats-age-16-17",
        "18_and_over" => "stats-age-adult",
        "unknown" => "stats-age-unknown",
        "on_time" => "stats-timing-on-time",
        "late" => "stats-timing-late",
        "overdue_undecided" => "stats-timing-overdue-undecided",
        "overdue" => "stats-timing-overdue",
        other => {
            return match other.parse::<Category>() {
                Ok(category) => tr.t(category.message_id()),
                Err(_) => other.to_owned(),
            };
        }
    };
    tr.t(id)
}

fn chart(tr: &Tr, id: &str, title: &'static str, table: &Table) -> Chart {
    let largest = table
        .rows
        .iter()
        .filter_map(|row| row.count.count())
        .max()
        .unwrap_or(0)
        .max(1);
    let bars: Vec<Bar> = table
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| Bar {
            label: label(tr, &row.key),
            shown: shown(tr, row.count),
            width: row
                .count
                .count()
                .map_or(0, |count| (count * u64::from(BAR_AREA) / largest) as u32),
            y: index as u32 * ROW_HEIGHT,
        })
        .collect();
    let title = tr.t(title);
    let desc = tr.t_with(
        "stats-chart-desc",
        "rows",
        bars.iter()
            .map(|bar| format!("{}: {}", bar.label, bar.shown))
            .collect::<Vec<_>>()
            .join("; "),
    );
    Chart {
        id: id.to_owned(),
        title,
        desc,
        height: (bars.len() as u32).max(1) * ROW_HEIGHT,
        bars,
        total: Some(shown(tr, table.total)),
        value_column: tr.t("stats-column-count"),
    }
}

/// A chart of values that are not counts (hours, shares): each bar its
/// label, its value when published (`None` draws no bar) and how it reads.
fn value_chart(
    tr: &Tr,
    id: &str,
    title: &'static str,
    value_column: &'static str,
    values: Vec<(String, Option<f64>, String)>,
) -> Chart {
    let largest = values
        .iter()
        .filter_map(|(_, value, _)| *value)
        .fold(0.0_f64, f64::max);
    let bars: Vec<Bar> = values
        .into_iter()
        .enumerate()
        .map(|(index, (label, value, shown))| Bar {
            label,
            shown,
            width: match value {
                Some(value) if largest > 0.0 => {
                    (value / largest * f64::from(BAR_AREA)).round() as u32
                }
                _ => 0,
            },
            y: index as u32 * ROW_HEIGHT,
        })
        .collect();
    let desc = tr.t_with(
        "stats-chart-desc",
        "rows",
        bars.iter()
            .map(|bar| format!("{}: {}", bar.label, bar.shown))
            .collect::<Vec<_>>()
            .join("; "),
    );
    Chart {
        id: id.to_owned(),
        title: tr.t(title),
        desc,
        height: (bars.len() as u32).max(1) * ROW_HEIGHT,
        bars,
        total: None,
        value_column: tr.t(value_column),
    }
}

/// The durations' medians and 90th percentiles, one chart each.
fn duration_charts(tr: &Tr, rows: &[(String, &Durations)]) -> Vec<Chart> {
    let quantile = |pick: fn(&Durations) -> Option<f64>| {
        rows.iter()
            .map(|(label, durations)| {
                let value = pick(durations);
                (label.clone(), value, hours(tr, value))
            })
            .collect::<Vec<_>>()
    };
    vec![
        value_chart(
            tr,
            "median",
            "stats-chart-median",
            "stats-column-hours",
            quantile(|durations| durations.median_hours),
        ),
        value_chart(
            tr,
            "p90",
            "stats-chart-p90",
            "stats-column-hours",
            quantile(|durations| durations.p90_hours),
        ),
    ]
}

fn hours(tr: &Tr, value: Option<f64>) -> String {
    match value {
        Some(hours) => tr.t_with("stats-hours", "hours", format!("{hours:.1}")),
        None => tr.t("stats-not-published"),
    }
}

fn duration_row(tr: &Tr, title: &'static str, durations: &Durations) -> DurationRow {
    duration_row_labelled(tr, tr.t(title), durations)
}

fn duration_row_labelled(tr: &Tr, label: String, durations: &Durations) -> DurationRow {
    DurationRow {
        label,
        count: shown(tr, durations.count),
        median: hours(tr, durations.median_hours),
        p90: hours(tr, durations.p90_hours),
    }
}

fn percent(share: Option<f64>) -> Option<String> {
    share.map(|share| format!("{:.1}%", share * 100.0))
}

/// A share as a percentage, or the words for one not published.
fn percent_or_not(tr: &Tr, share: Option<f64>) -> String {
    percent(share).unwrap_or_else(|| tr.t("stats-not-published"))
}

/// The charts and tables of published figures.
pub fn figures_view(tr: &Tr, statistics: &PublicStatistics) -> FiguresView {
    let counts = &statistics.compliance.totals;
    let mut compliance: Vec<ComplianceRow> = statistics
        .compliance
        .owners
        .iter()
        .map(|owner| {
            let counts = &owner.counts;
            ComplianceRow {
                owner: owner.owner.clone(),
                cells: [
                    counts.orders,
                    counts.removed_in_time,
                    counts.removed_late,
                    counts.past_due,
                    counts.pending,
                ]
                .into_iter()
                .map(|figure| shown(tr, figure))
                .chain([percent_or_not(tr, owner.removed_in_time_share)])
                .collect(),
            }
        })
        .collect();
    compliance.push(ComplianceRow {
        owner: tr.t("stats-total"),
        cells: [
            counts.orders,
            counts.removed_in_time,
            counts.removed_late,
            counts.past_due,
            counts.pending,
        ]
        .into_iter()
        .map(|figure| shown(tr, figure))
        .chain([percent_or_not(
            tr,
            statistics.compliance.removed_in_time_share,
        )])
        .collect(),
    });
    let mut duration_rows: Vec<(String, &Durations)> = vec![
        (tr.t("stats-time-to-decision"), &statistics.time_to_decision),
        (tr.t("stats-time-to-removal"), &statistics.time_to_removal),
    ];
    for owner in &statistics.compliance.owners {
        duration_rows.push((
            tr.t_with("stats-time-to-removal-owner", "owner", owner.owner.clone()),
            &owner.time_to_removal,
        ));
    }
    let shares = statistics
        .compliance
        .owners
        .iter()
        .map(|owner| {
            (
                owner.owner.clone(),
                owner.removed_in_time_share,
                percent_or_not(tr, owner.removed_in_time_share),
            )
        })
        .chain([(
            tr.t("stats-total"),
            statistics.compliance.removed_in_time_share,
            percent_or_not(tr, statistics.compliance.removed_in_time_share),
        )])
        .collect();
    FiguresView {
        charts: vec![
            chart(
                tr,
                "per-month",
                "stats-chart-per-month",
                &statistics.applications_per_month,
            ),
            chart(tr, "outcomes", "stats-chart-outcomes", &statistics.outcomes),
            chart(
                tr,
                "categories",
                "stats-chart-categories",
                &statistics.categories,
            ),
            chart(
                tr,
                "platforms",
                "stats-chart-platforms",
                &statistics.platforms,
            ),
            chart(
                tr,
                "age-bands",
                "stats-chart-age-bands",
                &statistics.age_bands,
            ),
            chart(
                tr,
                "deadlines",
                "stats-chart-deadlines",
                &statistics.decision_deadlines,
            ),
        ],
        durations: duration_rows
            .iter()
            .map(|(label, durations)| duration_row_labelled(tr, label.clone(), durations))
            .collect(),
        duration_charts: duration_charts(tr, &duration_rows),
        compliance_charts: vec![value_chart(
            tr,
            "in-time-share",
            "stats-chart-in-time-share",
            "stats-column-share",
            shares,
        )],
        compliance_columns: [
            "stats-compliance-orders",
            "stats-compliance-in-time",
            "stats-compliance-late",
            "stats-compliance-past-due",
            "stats-compliance-pending",
            "stats-compliance-in-time-share",
        ]
        .into_iter()
        .map(|id| tr.t(id))
        .collect(),
        compliance,
        decision_on_time: percent(statistics.decision_on_time_share),
        referred: shown(tr, statistics.referred_to_law_enforcement),
        threshold: statistics.threshold,
    }
}

#[derive(Template)]
#[template(path = "stats.html")]
struct DashboardPage {
    tr: Tr,
    path: &'static str,
    computed_at: String,
    log_size: u64,
    checkpoint: Option<(u64, String)>,
    /// The reporting periods linked: this year's and last year's.
    report_periods: Vec<String>,
    view: FiguresView,
}

/// The public statistics over every case, as `GET /api/v1/stats` serves
/// them, naming the transparency log they were read at.
///
/// How the figures relate to the checkpoint: a checkpoint of the log as it
/// is is signed first (reused when the log has not grown), then the tallies
/// are read in one transaction with the log's size and its latest
/// checkpoint. The figures are those of the record's first `log_size`
/// leaves; when a write came in between, that is more than the checkpoint
/// covers, so the two steps are tried again (a few times, then published as
/// read: `log_size` and `checkpoint_tree_size` then say by how much the
/// figures are newer, and the next checkpoint covers them).
pub async fn all_time(state: &AppState) -> Result<PublicStatistics, StoreError> {
    const ATTEMPTS: usize = 3;
    let now = state.clock.now();
    let mut attempt = 0;
    let snapshot = loop {
        attempt += 1;
        if let Some(evidence) = &state.evidence
            && let Err(error) = evidence.log.checkpoint(state.store.as_ref(), now).await
        {
            eprintln!("qorgau: no checkpoint for the statistics: {error}");
        }
        let snapshot = state.store.statistics_tallies(None, None).await?;
        let covered = snapshot
            .checkpoint
            .as_ref()
            .is_some_and(|checkpoint| checkpoint.tree_size == snapshot.log_size);
        if covered || state.evidence.is_none() || attempt >= ATTEMPTS {
            break snapshot;
        }
    };
    let (figures, _) = figures_of_tallies(&snapshot.days, Period::default(), now);
    let mut statistics = publish(&figures, state.config.stats_threshold, now);
    statistics.source = Some(log_source(&snapshot));
    Ok(statistics)
}

/// Where a snapshot's figures come from: the log's size and latest
/// checkpoint read with them.
fn log_source(snapshot: &TallySnapshot) -> LogSource {
    LogSource {
        log_size: snapshot.log_size,
        checkpoint_tree_size: snapshot.checkpoint.as_ref().map(|c| c.tree_size),
        checkpoint_root: snapshot
            .checkpoint
            .as_ref()
            .map(|checkpoint| hex::encode(checkpoint.root)),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
) -> Response {
    let tr = Tr { language };
    match all_time(&state).await {
        Ok(statistics) => page(
            &DashboardPage {
                tr,
                path: "/stats",
                computed_at: format_almaty(statistics.computed_at),
                log_size: statistics
                    .source
                    .as_ref()
                    .map_or(0, |source| source.log_size),
                checkpoint: statistics.source.as_ref().and_then(|source| {
                    source
                        .checkpoint_tree_size
                        .zip(source.checkpoint_root.clone())
                }),
                report_periods: {
                    let year = qorgau_domain::deadline::almaty_date(statistics.computed_at).year();
                    vec![year.to_string(), (year - 1).to_string()]
                },
                view: figures_view(&tr, &statistics),
            },
            StatusCode::OK,
        ),
        Err(error) => unavailable(&error),
    }
}

fn unavailable(error: &StoreError) -> Response {
    eprintln!("qorgau: the statistics could not be read: {error}");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

#[derive(Template)]
#[template(path = "stats_report.html")]
pub struct ReportPage {
    pub tr: Tr,
    pub path: String,
    pub period: String,
    pub days: String,
    pub provisional: bool,
    pub empty: bool,
    pub computed_at: String,
    pub log_size: u64,
    pub checkpoint: Option<(u64, String)>,
    pub view: FiguresView,
    pub extended: String,
    pub responses: Chart,
    /// The responses' chart again, drawn (askama's loop over one chart).
    pub response_charts: Vec<Chart>,
    pub time_to_response: DurationRow,
    pub response_on_time: Option<String>,
    pub decision_on_time: Option<String>,
}

/// A report as a standalone HTML page in `language` (also `qorgau report`).
pub fn report_html(
    report: &TransparencyReport,
    language: Language,
) -> Result<String, askama::Error> {
    report_page(report, language).render()
}

/// What the report's page shows in `language`: every published value as
/// text, with its label. The HTML and the PDF are both made from it.
fn report_page(report: &TransparencyReport, language: Language) -> ReportPage {
    let tr = Tr { language };
    let view = figures_view(&tr, &report.statistics);
    ReportPage {
        tr,
        path: format!("/stats/report/{}", report.period),
        period: report.period.to_string(),
        days: tr.say(
            &qorgau_domain::message::Message::new("stats-report-days")
                .with("first", report.first_day.to_string())
                .with("last", report.last_day.to_string()),
        ),
        provisional: report.provisional,
        empty: report.empty,
        computed_at: format_almaty(report.computed_at),
        log_size: report.source.log_size,
        checkpoint: report
            .source
            .checkpoint_tree_size
            .zip(report.source.checkpoint_root.clone()),
        decision_on_time: view.decision_on_time.clone(),
        view,
        extended: shown(&tr, report.performance.extended_decisions),
        responses: chart(
            &tr,
            "responses",
            "stats-chart-responses",
            &report.performance.responses,
        ),
        response_charts: vec![chart(
            &tr,
            "responses",
            "stats-chart-responses",
            &report.performance.responses,
        )],
        time_to_response: duration_row(
            &tr,
            "stats-time-to-response",
            &report.performance.time_to_response,
        ),
        response_on_time: percent(report.performance.response_on_time_share),
    }
}

/// A report as the document `qorgau-documents` renders to PDF, in `language`:
/// the page's own view (`report_page`) — the same published values, `<5`s
/// and withheld words, under the same Fluent labels — never the report's
/// figures a second way.
pub fn report_document(
    report: &TransparencyReport,
    language: Language,
) -> documents::TransparencyReportDocument {
    let page = report_page(report, language);
    let tr = page.tr;
    let table = |chart: &Chart| documents::ReportTable {
        title: chart.title.clone(),
        rows: chart
            .bars
            .iter()
            .map(|bar| documents::ReportRow {
                label: bar.label.clone(),
                value: bar.shown.clone(),
            })
            .collect(),
        total: chart.total.clone().map(|value| documents::ReportRow {
            label: tr.t("stats-total"),
            value,
        }),
    };
    let durations = |rows: &[&DurationRow]| documents::ReportGrid {
        title: tr.t("stats-durations"),
        label_column: tr.t("stats-column-item"),
        columns: vec![
            tr.t("stats-column-count"),
            tr.t("stats-median"),
            tr.t("stats-p90"),
        ],
        rows: rows
            .iter()
            .map(|row| documents::ReportGridRow {
                label: row.label.clone(),
                cells: vec![row.count.clone(), row.median.clone(), row.p90.clone()],
            })
            .collect(),
    };
    documents::TransparencyReportDocument {
        language: match language {
            Language::Kk => documents::Language::Kk,
            Language::Ru => documents::Language::Ru,
            Language::En => documents::Language::En,
        },
        period: page.period.clone(),
        first_day: report.first_day,
        last_day: report.last_day,
        provisional: page.provisional,
        empty: page.empty,
        computed_at: report.computed_at,
        source: documents::ReportSource {
            log_size: page.log_size,
            checkpoint: page.checkpoint.clone().map(|(tree_size, root_hash)| {
                documents::ReportCheckpoint {
                    tree_size,
                    root_hash,
                }
            }),
        },
        threshold: page.view.threshold,
        suppression: tr.t_with("stats-report-threshold", "threshold", page.view.threshold),
        performance: documents::ReportPerformance {
            decision_on_time: page.decision_on_time.clone(),
            extended_decisions: page.extended.clone(),
            response_on_time: page.response_on_time.clone(),
            responses: table(&page.responses),
            time_to_response: durations(&[&page.time_to_response]),
        },
        // Every chart's table, the hours and shares ones too, so the PDF
        // holds every value the page shows.
        tables: page
            .view
            .charts
            .iter()
            .chain(&page.view.duration_charts)
            .chain(&page.view.compliance_charts)
            .map(table)
            .collect(),
        durations: durations(&page.view.durations.iter().collect::<Vec<_>>()),
        referred: page.view.referred.clone(),
        compliance: documents::ReportGrid {
            title: tr.t("stats-chart-compliance"),
            label_column: tr.t("stats-compliance-owner"),
            columns: page.view.compliance_columns.clone(),
            rows: page
                .view
                .compliance
                .iter()
                .map(|row| documents::ReportGridRow {
                    label: row.owner.clone(),
                    cells: row.cells.clone(),
                })
                .collect(),
        },
    }
}

/// A report as a PDF in `language`, with `templates` (the service's, which an
/// operator may have overridden; `qorgau report` loads its own).
pub fn report_pdf(
    report: &TransparencyReport,
    language: Language,
    templates: &documents::Templates,
) -> Result<Vec<u8>, documents::DocumentError> {
    documents::render_report(templates, &report_document(report, language))
        .map(|rendered| rendered.pdf)
}

/// A report as CSV: `section,key,column,value`, one published number a line
/// (docs/statistics.md, "Open data").
pub fn report_csv(report: &TransparencyReport) -> String {
    let mut lines = vec![
        "section,key,column,value".to_owned(),
        format!("report,period,,{}", report.period),
        format!("report,provisional,,{}", report.provisional),
        format!("report,empty,,{}", report.empty),
        format!("report,threshold,,{}", report.threshold),
    ];
    lines.extend(source_csv_rows(&report.source));
    lines.extend(statistics_csv_rows(&report.statistics));
    let performance = &report.performance;
    lines.push(format!(
        "performance,extended_decisions,,{}",
        performance.extended_decisions.display()
    ));
    table_rows(&mut lines, "responses", &performance.responses);
    duration_rows(
        &mut lines,
        "time_to_response",
        &performance.time_to_response,
    );
    lines.join("\n") + "\n"
}

/// The `report` lines naming the log the figures were read at.
pub fn source_csv_rows(source: &LogSource) -> Vec<String> {
    let mut lines = vec![format!("report,log_size,,{}", source.log_size)];
    if let (Some(size), Some(root)) = (source.checkpoint_tree_size, &source.checkpoint_root) {
        lines.push(format!("report,checkpoint_tree_size,,{size}"));
        lines.push(format!("report,checkpoint_root,,{root}"));
    }
    lines
}

fn table_rows(lines: &mut Vec<String>, section: &str, table: &Table) {
    for row in &table.rows {
        lines.push(format!(
            "{section},{},count,{}",
            csv_field(&row.key),
            row.count.display()
        ));
    }
    lines.push(format!("{section},total,count,{}", table.total.display()));
}

fn duration_rows(lines: &mut Vec<String>, section: &str, durations: &Durations) {
    let value = |hours: Option<f64>| hours.map(|hours| format!("{hours:.1}")).unwrap_or_default();
    lines.push(format!(
        "{section},count,count,{}",
        durations.count.display()
    ));
    lines.push(format!(
        "{section},median,hours,{}",
        value(durations.median_hours)
    ));
    lines.push(format!(
        "{section},p90,hours,{}",
        value(durations.p90_hours)
    ));
}

/// A value with a comma or a quote, quoted (RFC 4180); owner names are the
/// only free text here.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The published statistics as CSV lines (without the header).
pub fn statistics_csv_rows(statistics: &PublicStatistics) -> Vec<String> {
    let mut lines = vec![format!(
        "applications,total,count,{}",
        statistics.applications.display()
    )];
    table_rows(
        &mut lines,
        "applications_per_month",
        &statistics.applications_per_month,
    );
    table_rows(&mut lines, "outcomes", &statistics.outcomes);
    table_rows(&mut lines, "categories", &statistics.categories);
    lines.push(format!(
        "referred_to_law_enforcement,total,count,{}",
        statistics.referred_to_law_enforcement.display()
    ));
    table_rows(&mut lines, "platforms", &statistics.platforms);
    table_rows(&mut lines, "age_bands", &statistics.age_bands);
    table_rows(
        &mut lines,
        "decision_deadlines",
        &statistics.decision_deadlines,
    );
    duration_rows(&mut lines, "time_to_decision", &statistics.time_to_decision);
    duration_rows(&mut lines, "time_to_removal", &statistics.time_to_removal);
    let mut compliance = |owner: &str, counts: &qorgau_domain::statistics::ComplianceCounts| {
        for (column, figure) in [
            ("orders", counts.orders),
            ("removed_in_time", counts.removed_in_time),
            ("removed_late", counts.removed_late),
            ("past_due", counts.past_due),
            ("pending", counts.pending),
        ] {
            lines.push(format!(
                "compliance,{},{column},{}",
                csv_field(owner),
                figure.display()
            ));
        }
    };
    for owner in &statistics.compliance.owners {
        compliance(&owner.owner, &owner.counts);
    }
    compliance("totals", &statistics.compliance.totals);
    // Shares and times by owner: empty when not published.
    let share = |share: Option<f64>| share.map(|share| format!("{share:.4}")).unwrap_or_default();
    let hours = |hours: Option<f64>| hours.map(|hours| format!("{hours:.1}")).unwrap_or_default();
    for owner in &statistics.compliance.owners {
        let name = csv_field(&owner.owner);
        lines.push(format!(
            "compliance,{name},removed_in_time_share,{}",
            share(owner.removed_in_time_share)
        ));
        let durations = &owner.time_to_removal;
        lines.push(format!(
            "time_to_removal_by_owner,{name},count,{}",
            durations.count.display()
        ));
        lines.push(format!(
            "time_to_removal_by_owner,{name},median_hours,{}",
            hours(durations.median_hours)
        ));
        lines.push(format!(
            "time_to_removal_by_owner,{name},p90_hours,{}",
            hours(durations.p90_hours)
        ));
    }
    lines.push(format!(
        "compliance,totals,removed_in_time_share,{}",
        share(statistics.compliance.removed_in_time_share)
    ));
    lines
}

/// The report of `period` from the store, as of `now`, suppressed under the
/// operator's `threshold`: the year's facts and the log's position read
/// together.
pub async fn build_report<S: Statistics>(
    store: &S,
    period: ReportPeriod,
    threshold: u64,
    now: Timestamp,
) -> Result<TransparencyReport, StoreError> {
    let year = ReportPeriod::Year(period.year());
    let snapshot: TallySnapshot = store
        .statistics_tallies(Some(year.first_day()), Some(year.end()))
        .await?;
    let source = log_source(&snapshot);
    Ok(transparency_report_of_tallies(
        &snapshot.days,
        period,
        threshold,
        now,
        source,
    ))
}

/// The report's PDF, rendered with the service's templates (overrides
/// included) or, without an outbox, the embedded ones; named after its period.
fn report_pdf_response(
    state: &AppState,
    report: &TransparencyReport,
    language: Language,
) -> Response {
    let rendered = match &state.outbox {
        Some(outbox) => report_pdf(report, language, &outbox.templates),
        None => documents::Templates::embedded()
            .and_then(|templates| report_pdf(report, language, &templates)),
    };
    match rendered {
        Ok(pdf) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"qorgau-report-{}.pdf\"", report.period),
                ),
            ],
            pdf,
        )
            .into_response(),
        Err(error) => {
            eprintln!("qorgau: a report's PDF failed to render: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /stats/report/{period}`: the same, with the period in the path (so
/// the language switch keeps it).
async fn report_at(
    state: State<AppState>,
    language: RequestLanguage,
    axum::extract::Path(period): axum::extract::Path<String>,
    Query(mut query): Query<HashMap<String, String>>,
) -> Response {
    query.insert("period".to_owned(), period);
    report(state, language, Query(query)).await
}

async fn report(
    State(state): State<AppState>,
    RequestLanguage(language): RequestLanguage,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let tr = Tr { language };
    let text = query.get("period").map(String::as_str).unwrap_or("");
    let period = match text.parse::<ReportPeriod>() {
        Ok(period) => period,
        Err(error) => {
            return (
                StatusCode::BAD_REQUEST,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                tr.say(&error.explain()),
            )
                .into_response();
        }
    };
    let now = state.clock.now();
    // A checkpoint of the log as it is now, so the report can name one.
    if let Some(evidence) = &state.evidence
        && let Err(error) = evidence.log.checkpoint(state.store.as_ref(), now).await
    {
        eprintln!("qorgau: no checkpoint for the report: {error}");
    }
    let report = match build_report(
        state.store.as_ref(),
        period,
        state.config.stats_threshold,
        now,
    )
    .await
    {
        Ok(report) => report,
        Err(error) => return unavailable(&error),
    };
    match query.get("format").map(String::as_str).unwrap_or("html") {
        "json" => axum::Json(report).into_response(),
        "csv" => (
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            report_csv(&report),
        )
            .into_response(),
        "pdf" => report_pdf_response(&state, &report, language),
        "html" => match report_html(&report, language) {
            Ok(html) => {
                ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
            }
            Err(error) => {
                eprintln!("qorgau: a report failed to render: {error}");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        _ => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            tr.t("stats-format-invalid"),
        )
            .into_response(),
    }
}
