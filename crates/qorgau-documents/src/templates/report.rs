//! The transparency report's template variables, and the sample reports its
//! templates are checked with at load.

use minijinja::value::Value;

use super::{date_value, datetime_value, map};
use crate::error::DocumentError;
use crate::input::{
    Language, ReportCheckpoint, ReportGrid, ReportGridRow, ReportPerformance, ReportRow,
    ReportSource, ReportTable, TransparencyReportDocument,
};

/// A label that a template puts first on a `| key | value` row. A row splits
/// at its first ` | `, so an owner named "A | B" would push "B" into the
/// value column; its bar becomes a broken bar (¦), which reads the same.
fn key(label: &str) -> Value {
    Value::from(label.replace(" | ", " ¦ "))
}

fn row_value(row: &ReportRow) -> Value {
    map(vec![
        ("label", key(&row.label)),
        ("value", Value::from(row.value.clone())),
    ])
}

fn table_value(table: &ReportTable) -> Value {
    map(vec![
        ("title", Value::from(table.title.clone())),
        (
            "rows",
            Value::from(table.rows.iter().map(row_value).collect::<Vec<_>>()),
        ),
        (
            "total",
            table.total.as_ref().map_or(Value::from(()), row_value),
        ),
    ])
}

/// A grid's rows with each cell beside its column's heading, so a template
/// writes `{{ cell.column }}: {{ cell.value }}`. A cell without a heading
/// keeps its value (with an empty heading): no published value is dropped.
fn grid_value(grid: &ReportGrid) -> Value {
    let row = |row: &ReportGridRow| {
        let cells: Vec<Value> = row
            .cells
            .iter()
            .enumerate()
            .map(|(index, cell)| {
                map(vec![
                    (
                        "column",
                        Value::from(grid.columns.get(index).cloned().unwrap_or_default()),
                    ),
                    ("value", Value::from(cell.clone())),
                ])
            })
            .collect();
        map(vec![
            ("label", key(&row.label)),
            ("cells", Value::from(cells)),
        ])
    };
    map(vec![
        ("title", Value::from(grid.title.clone())),
        ("label_column", Value::from(grid.label_column.clone())),
        (
            "columns",
            Value::from(
                grid.columns
                    .iter()
                    .cloned()
                    .map(Value::from)
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "rows",
            Value::from(grid.rows.iter().map(row).collect::<Vec<_>>()),
        ),
    ])
}

fn optional(text: &Option<String>) -> Value {
    match text {
        Some(text) => Value::from(text.clone()),
        None => Value::from(()),
    }
}

pub(super) fn context(document: &TransparencyReportDocument) -> Result<Value, DocumentError> {
    let checkpoint = match &document.source.checkpoint {
        Some(checkpoint) => map(vec![
            ("tree_size", Value::from(checkpoint.tree_size)),
            ("root_hash", Value::from(checkpoint.root_hash.clone())),
        ]),
        None => Value::from(()),
    };
    let performance = &document.performance;
    Ok(map(vec![
        ("language", Value::from(document.language.code())),
        ("period", Value::from(document.period.clone())),
        ("first_day", date_value(document.first_day)),
        ("last_day", date_value(document.last_day)),
        ("provisional", Value::from(document.provisional)),
        ("empty", Value::from(document.empty)),
        ("computed_at", datetime_value(document.computed_at)?),
        (
            "source",
            map(vec![
                ("log_size", Value::from(document.source.log_size)),
                ("checkpoint", checkpoint),
            ]),
        ),
        ("threshold", Value::from(document.threshold)),
        ("suppression", Value::from(document.suppression.clone())),
        (
            "performance",
            map(vec![
                ("decision_on_time", optional(&performance.decision_on_time)),
                (
                    "extended_decisions",
                    Value::from(performance.extended_decisions.clone()),
                ),
                ("response_on_time", optional(&performance.response_on_time)),
                ("responses", table_value(&performance.responses)),
                (
                    "time_to_response",
                    grid_value(&performance.time_to_response),
                ),
            ]),
        ),
        (
            "tables",
            Value::from(document.tables.iter().map(table_value).collect::<Vec<_>>()),
        ),
        ("durations", grid_value(&document.durations)),
        ("referred", Value::from(document.referred.clone())),
        ("compliance", grid_value(&document.compliance)),
    ]))
}

/// In each language: a full report (a checkpoint, every share published, a
/// table with and without a total) and a bare one (provisional and empty, no
/// checkpoint, no share, no owner, no rows). Used only to check templates.
pub(super) fn samples() -> Vec<TransparencyReportDocument> {
    let row = |label: &str, value: &str| ReportRow {
        label: label.to_owned(),
        value: value.to_owned(),
    };
    let grid = |rows: Vec<ReportGridRow>| ReportGrid {
        title: "check".to_owned(),
        label_column: "check".to_owned(),
        columns: vec!["check".to_owned(), "check".to_owned()],
        rows,
    };
    let grid_row = || ReportGridRow {
        label: "check".to_owned(),
        cells: vec!["12".to_owned(), "<5".to_owned()],
    };
    let mut samples = Vec::new();
    for language in Language::ALL {
        let full = TransparencyReportDocument {
            language,
            period: "2026-H1".to_owned(),
            first_day: jiff::civil::date(2026, 1, 1),
            last_day: jiff::civil::date(2026, 6, 30),
            provisional: false,
            empty: false,
            computed_at: jiff::Timestamp::UNIX_EPOCH,
            source: ReportSource {
                log_size: 1,
                checkpoint: Some(ReportCheckpoint {
                    tree_size: 1,
                    root_hash: "check".to_owned(),
                }),
            },
            threshold: 5,
            suppression: "check".to_owned(),
            performance: ReportPerformance {
                decision_on_time: Some("50.0%".to_owned()),
                extended_decisions: "<5".to_owned(),
                response_on_time: Some("50.0%".to_owned()),
                responses: ReportTable {
                    title: "check".to_owned(),
                    rows: vec![row("check", "12")],
                    total: Some(row("check", "12")),
                },
                time_to_response: grid(vec![grid_row()]),
            },
            tables: vec![
                ReportTable {
                    title: "check".to_owned(),
                    rows: vec![row("check", "12"), row("check", "<5")],
                    total: Some(row("check", "check")),
                },
                ReportTable {
                    title: "check".to_owned(),
                    rows: vec![row("check", "12")],
                    total: None,
                },
            ],
            durations: grid(vec![grid_row(), grid_row()]),
            referred: "<5".to_owned(),
            compliance: grid(vec![grid_row()]),
        };
        let bare = TransparencyReportDocument {
            provisional: true,
            empty: true,
            source: ReportSource {
                log_size: 0,
                checkpoint: None,
            },
            performance: ReportPerformance {
                decision_on_time: None,
                response_on_time: None,
                responses: ReportTable {
                    title: "check".to_owned(),
                    rows: Vec::new(),
                    total: None,
                },
                time_to_response: grid(Vec::new()),
                ..full.performance.clone()
            },
            tables: Vec::new(),
            durations: grid(Vec::new()),
            compliance: grid(Vec::new()),
            ..full.clone()
        };
        samples.extend([full, bare]);
    }
    samples
}
