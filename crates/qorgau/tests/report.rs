//! `qorgau report` end to end: a real binary on a real store (the embedded
//! one, or PostgreSQL with `QORGAU_TEST_STORE=postgres`) with twelve
//! applications; the PDF written with `--out` and read back with `pdftotext`
//! holds the HTML report's published values, and `--format pdf` without
//! `--out` is refused before anything is read.

// Test code: a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{TestStore, application, qorgau};
use qorgau_testkit::{assert_pdf_shows, page_rows, pdf_text};

/// Twelve applications received on the pinned day (2 December 2026).
fn with_applications() -> TestStore {
    let store = TestStore::from_env("report");
    qorgau(&store, &["init"]).ok();
    qorgau(
        &store,
        &[
            "staff",
            "add",
            "coord",
            "--name",
            "Coordinator",
            "--role",
            "coordinator",
        ],
    )
    .ok();
    for index in 0..12 {
        let file = store.folder().join(format!("application-{index}.json"));
        std::fs::write(&file, application(&format!("report-{index}"), index)).unwrap();
        qorgau(
            &store,
            &[
                "--as",
                "coord",
                "case",
                "submit",
                "--json",
                file.to_str().unwrap(),
            ],
        )
        .ok();
    }
    store
}

#[test]
fn a_pdf_report_goes_to_a_file_with_the_published_values_of_the_html_one() {
    let store = with_applications();
    let json = qorgau(
        &store,
        &["report", "--period", "2026-H2", "--format", "json"],
    )
    .ok();
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let html = qorgau(
        &store,
        &[
            "--lang", "kk", "report", "--period", "2026-H2", "--format", "html",
        ],
    )
    .ok();
    let rows = page_rows(&html.stdout);
    assert!(rows.len() > 30, "{rows:?}");
    // December's twelve applications are published; the months before are <5.
    assert!(
        rows.contains(&("2026-12".to_owned(), "12".to_owned())),
        "{rows:?}"
    );
    assert!(rows.contains(&("2026-11".to_owned(), "<5".to_owned())));

    let out = store.folder().join("report-2026-H2.pdf");
    let run = qorgau(
        &store,
        &[
            "--lang",
            "kk",
            "report",
            "--period",
            "2026-H2",
            "--format",
            "pdf",
            "--out",
            out.to_str().unwrap(),
        ],
    )
    .ok();
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = pdf_text(&out) else {
        return;
    };
    let mut facts = vec![
        "2026-H2 ашықтық есебі".to_owned(),
        "01.07.2026 – 31.12.2026".to_owned(),
        "<5".to_owned(),
        format!(
            "Ашықтық журналындағы жазбалар{}",
            report["source"]["log_size"]
        ),
    ];
    // The report signs a checkpoint of the whole log first and names it.
    let root = report["source"]["checkpoint_root"]
        .as_str()
        .expect("the report names a checkpoint");
    assert_eq!(
        report["source"]["checkpoint_tree_size"], report["source"]["log_size"],
        "{report}"
    );
    facts.push(format!("Түбір хеші{root}"));
    assert_pdf_shows(&text, &facts, &rows);
}

#[test]
fn a_pdf_report_without_out_is_refused_naming_the_flag() {
    let store = TestStore::from_env("report");
    qorgau(&store, &["init"]).ok();
    let refused = qorgau(
        &store,
        &["report", "--period", "2026-H2", "--format", "pdf"],
    )
    .fails(2);
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert!(
        refused
            .stderr
            .contains("A PDF report is written to a file: add --out FILE"),
        "{}",
        refused.stderr
    );
    let kazakh = qorgau(
        &store,
        &[
            "--lang", "kk", "report", "--period", "2026-H2", "--format", "pdf",
        ],
    )
    .fails(2);
    assert!(
        kazakh
            .stderr
            .contains("PDF есебі файлға жазылады: --out ФАЙЛ қосыңыз"),
        "{}",
        kazakh.stderr
    );
    // The other formats still print to standard output.
    let csv = qorgau(
        &store,
        &["report", "--period", "2026-H2", "--format", "csv"],
    )
    .ok();
    assert!(csv.stdout.starts_with("section,key,column,value\n"));
}

#[test]
fn the_threshold_is_the_operators_setting_and_absurd_ones_are_refused() {
    let store = with_applications();
    let applications = |run: common::Run| {
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        (
            report["threshold"].clone(),
            report["statistics"]["applications"].clone(),
        )
    };
    // December's twelve: shown under the default threshold, hidden under 20
    // (the flag, or the service's own setting in the environment).
    let report = |extra: &[&str]| {
        let mut args = vec!["report", "--period", "2026-12", "--format", "json"];
        args.extend_from_slice(extra);
        qorgau(&store, &args).ok()
    };
    assert_eq!(applications(report(&[])), (5.into(), 12.into()));
    assert_eq!(
        applications(report(&["--stats-threshold", "20"])),
        (20.into(), "<20".into())
    );
    let from_env = common::run(
        store
            .command()
            .args(["report", "--period", "2026-12", "--format", "json"])
            .env("QORGAU_STATS_THRESHOLD", "20"),
    )
    .ok();
    assert_eq!(applications(from_env), (20.into(), "<20".into()));

    for bad in ["1", "0", "1000", "five"] {
        let refused = qorgau(
            &store,
            &["report", "--period", "2026-12", "--stats-threshold", bad],
        )
        .fails(2);
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
        assert!(
            refused.stderr.contains(&format!(
                "The statistics threshold must be a whole number from 2 to 100, not “{bad}”"
            )),
            "{}",
            refused.stderr
        );
    }
    // The service refuses it before it listens, in the operator's language.
    let serve = qorgau(
        &store,
        &[
            "--lang",
            "ru",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--stats-threshold",
            "1",
        ],
    )
    .fails(2);
    assert!(
        serve
            .stderr
            .contains("Порог статистики должен быть целым числом от 2 до 100, а не «1»"),
        "{}",
        serve.stderr
    );
}

/// `qorgau serve` with the threshold from its environment: the API, the
/// dashboard and the reports all suppress under it and say so.
#[tokio::test]
async fn the_service_publishes_under_the_threshold_it_was_started_with() {
    let store = with_applications();
    let server =
        common::Server::start(&store, 0, &[("QORGAU_STATS_THRESHOLD", "20".to_owned())]).await;
    let get = |path: &'static str| async move {
        common::request(server.address, "GET", path, None, None)
            .await
            .unwrap()
    };
    let stats = get("/api/v1/stats").await.json();
    assert_eq!(stats["threshold"], 20);
    assert_eq!(stats["applications"], "<20");
    let report = get("/stats/report?period=2026-12&format=json").await.json();
    assert_eq!(report["threshold"], 20);
    assert_eq!(report["statistics"]["applications"], "<20");
    let dashboard = get("/stats?lang=en").await.body;
    assert!(
        dashboard.contains("every count below 20 is shown"),
        "{dashboard}"
    );
    assert!(!dashboard.contains("<td>12</td>"));
}
