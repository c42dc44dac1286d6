//! The public dashboard and transparency reports: snapshots in three
//! languages, accessible charts beside their tables, no small number shown,
//! the report's formats (HTML, PDF read back with `pdftotext`, CSV, JSON)
//! and the open data.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{TestApp, pdf_text};
use qorgau_app::Clock;
use qorgau_domain::category::Category;
use qorgau_domain::procedure::event::SystematicAssessment;
use qorgau_domain::procedure::{CaseEvent, Outcome};
use qorgau_store::Store;
use qorgau_testkit::{assert_pdf_shows, page_rows};
use serde_json::{Value, json};

/// The page with every 64-digit hex hash (the log's root) masked: the log
/// holds each application's salted access-code hash, so its root differs
/// from run to run while the page around it must not.
fn masked_hashes(html: &str) -> String {
    let mut masked = String::with_capacity(html.len());
    let mut rest = html;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .take_while(|byte| byte.is_ascii_hexdigit())
            .count();
        if run == 64 {
            masked.push_str("[sha-256]");
            rest = &rest[run..];
        } else if run > 0 {
            masked.push_str(&rest[..run]);
            rest = &rest[run..];
        } else {
            let character = rest.chars().next().unwrap();
            masked.push(character);
            rest = &rest[character.len_utf8()..];
        }
    }
    masked
}

fn check_snapshot(name: &str, html: &str) {
    let html = masked_hashes(html);
    let html = html.as_str();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.html"));
    if std::env::var("QORGAU_UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, html).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with QORGAU_UPDATE_SNAPSHOTS=1 and review it",
            path.display()
        )
    });
    assert!(
        expected == html,
        "{name} differs from its snapshot {}",
        path.display()
    );
}

/// Twelve applications: enough for some published counts beside hidden ones.
async fn with_applications(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for index in 0..12 {
        let body = json!({
            "language": "ru",
            "applicant": {"name": "Айгуль", "relation": "parent", "email": "a@example.kz"},
            "child": {"name": "Данияр", "birth_date": if index % 2 == 0 { "2012-04-15" } else { "2016-01-01" }},
            "resources": [{"url": "https://t.me/school_memes_kz"}],
            "incidents": [{"occurred_on": "2026-11-20", "resource_url": "https://t.me/school_memes_kz", "description": "posts"}],
            "description": "…"
        });
        let reply = app.post("/api/v1/applications", None, body).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let created: Value = serde_json::from_str(&reply.body).unwrap();
        ids.push(created["case_id"].as_str().unwrap().to_owned());
    }
    ids
}

/// Every chart is an image with a title and a description, followed by the
/// table of its numbers.
fn check_charts(name: &str, html: &str) {
    let charts = html.matches("<svg role=\"img\"").count();
    assert!(charts >= 6, "{name}: {charts} charts");
    for chunk in html.split("<svg role=\"img\"").skip(1) {
        let svg = &chunk[..chunk.find("</svg>").unwrap()];
        assert!(
            svg.contains("<title id="),
            "{name}: a chart without a title"
        );
        assert!(
            svg.contains("<desc id="),
            "{name}: a chart without a description"
        );
        let after = &chunk[chunk.find("</svg>").unwrap()..];
        assert!(
            after
                .trim_start_matches("</svg>")
                .trim_start()
                .starts_with("<table>")
        );
    }
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn the_dashboard_and_a_report_in_three_languages_match_their_snapshots() {
    let app = TestApp::spawn().await;
    let ids = with_applications(&app).await;
    // Every case confirmed, telegram's order removed: seven in 2 hours, five
    // in 30 (late), so the removal times by owner and the shares are shown.
    for (index, case_id) in ids.iter().enumerate() {
        confirm(&app, case_id, Category::Cyberbullying).await;
        removed_after(&app, case_id, if index < 7 { 2 } else { 30 }).await;
    }
    for language in ["kk", "ru", "en"] {
        for (page, path) in [
            ("stats", "/stats"),
            ("stats-report", "/stats/report/2026-H2"),
        ] {
            let reply = app.get(&format!("{path}?lang={language}"), None).await;
            assert_eq!(reply.status, 200, "{path} {language}");
            assert!(reply.body.contains(&format!("<html lang=\"{language}\">")));
            check_charts(&format!("{page}.{language}"), &reply.body);
            // Twelve applications, six in each of two age bands: published
            // or withheld, and every empty row shown as below the threshold.
            assert!(
                reply.body.contains("<td>12</td>") || page == "stats-report",
                "{page} {language}"
            );
            assert!(
                reply.body.contains("<td>6</td>") || page == "stats-report",
                "{page} {language}"
            );
            assert!(
                reply.body.contains("<td>&lt;5</td>") || reply.body.contains("<td>&#60;5</td>"),
                "{page} {language}"
            );
            check_snapshot(&format!("{page}.{language}"), &reply.body);
        }
    }
}

#[tokio::test]
async fn reports_come_as_json_and_csv_and_say_when_they_are_provisional_or_empty() {
    let app = TestApp::spawn().await;
    with_applications(&app).await;
    let reply = app
        .get("/stats/report?period=2026-H2&format=json", None)
        .await;
    assert_eq!(reply.status, 200);
    let report: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(report["period"], "2026-H2");
    assert_eq!(report["provisional"], true);
    assert_eq!(report["empty"], false);
    assert!(report["source"]["log_size"].as_u64().unwrap() >= 12);
    // The half-year and its quarters are one publication: with the third
    // quarter empty (hidden as <5), the half-year and the fourth quarter
    // cannot both show 12 — that would tell the third quarter's count.
    let quarter = app
        .get("/stats/report?period=2026-Q4&format=json", None)
        .await;
    let quarter: Value = serde_json::from_str(&quarter.body).unwrap();
    let half_total = &report["statistics"]["applications"];
    let quarter_total = &quarter["statistics"]["applications"];
    assert!(
        !(*half_total == 12 && *quarter_total == 12),
        "{half_total} {quarter_total}"
    );
    for total in [half_total, quarter_total] {
        assert!(*total == 12 || *total == "suppressed", "{total}");
    }

    let empty = app.get("/stats/report?period=2025&format=json", None).await;
    let empty: Value = serde_json::from_str(&empty.body).unwrap();
    assert_eq!(empty["empty"], true);
    assert_eq!(empty["provisional"], false);
    assert_eq!(empty["statistics"]["applications"], "<5");
    assert_eq!(
        empty["statistics"]["time_to_decision"]["median_hours"],
        Value::Null
    );
    let html = app.get("/stats/report/2025?lang=en", None).await;
    assert!(
        html.body
            .contains("No applications were received in this period.")
    );

    let csv = app
        .get("/stats/report?period=2026-H2&format=csv", None)
        .await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with("section,key,column,value\n"));
    assert!(csv.body.contains("\nreport,period,,2026-H2\n"));
    assert!(csv.body.contains("\nage_bands,under_10,count,<5\n"));

    let bad = app.get("/stats/report?period=2026-H3&lang=en", None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("is not a reporting period"));
    let unknown = app
        .get("/stats/report?period=2026-H2&format=docx&lang=en", None)
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("html, pdf, csv or json"));

    // The PDF, in Kazakh: the page's own published values under the page's
    // labels, the period and the checkpoint the figures were read at.
    let root = report["source"]["checkpoint_root"].as_str().unwrap();
    assert_eq!(root.len(), 64, "{root}");
    let page = app.get("/stats/report/2026-H2?lang=kk", None).await;
    assert!(
        page.body
            .contains("/stats/report?period=2026-H2&amp;format=pdf&amp;lang=kk\">PDF</a>")
    );
    let pdf = app
        .get_bytes("/stats/report?period=2026-H2&format=pdf&lang=kk", None)
        .await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.header("content-disposition"),
        Some("inline; filename=\"qorgau-report-2026-H2.pdf\"")
    );
    assert!(pdf.body.starts_with(b"%PDF-"));
    let Some(text) = pdf_text(&pdf.body) else {
        return;
    };
    let rows = page_rows(&page.body);
    assert!(rows.len() > 30, "{rows:?}");
    // December's twelve applications are published; other cells are <5 or
    // withheld, on the page and in the PDF alike.
    assert!(
        rows.contains(&("2026-12".to_owned(), "12".to_owned())),
        "{rows:?}"
    );
    let facts = [
        "2026-H2 ашықтық есебі",
        root,
        "2026-1212",
        "<5",
        "жасырылды",
        "Түбір хеші",
    ]
    .map(str::to_owned);
    assert_pdf_shows(&text, &facts, &rows);
}

#[tokio::test]
async fn open_data_is_the_published_statistics_in_json_and_csv() {
    let app = TestApp::spawn().await;
    with_applications(&app).await;
    let stats: Value = serde_json::from_str(&app.get("/api/v1/stats", None).await.body).unwrap();
    let json = app.get("/api/v1/stats/open-data.json", None).await;
    assert_eq!(json.status, 200);
    let open: Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(open, stats);
    assert_eq!(open["applications"], 12);
    let csv = app.get("/api/v1/stats/open-data.csv", None).await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("\napplications,total,count,12\n"));
    assert!(csv.body.contains("\nage_bands,10_13,count,6\n"));
    assert!(csv.body.contains("\nage_bands,under_10,count,<5\n"));
    // No small number anywhere: every count line is a number ≥ 5, <5 or suppressed.
    for line in csv.body.lines().skip(1) {
        let value = line.rsplit(',').next().unwrap();
        if let Ok(number) = value.parse::<u64>() {
            assert!(number >= 5 || !line.contains(",count,"), "{line}");
        }
    }
}

/// Records a confirmed decision of `category` and an order to telegram for
/// the case, straight into the record (the procedure's own tests cover how
/// decisions are reached).
async fn confirm(app: &TestApp, case_id: &str, category: Category) {
    let stored = app.store.load_case(case_id).await.unwrap().unwrap();
    let decided_at = app.clock.now();
    let events = vec![
        CaseEvent::DecisionMade {
            outcome: Outcome::Confirmed,
            category,
            indicators: Vec::new(),
            reasons: vec!["systematic insults".into()],
            votes_for: 3,
            votes_against: 0,
            chair_casting_vote_used: false,
            systematic: SystematicAssessment {
                incidents_in_case: 2,
                incidents_in_linked_cases: 0,
                override_reason: None,
            },
            decided_at,
        },
        CaseEvent::OrderIssued {
            order_id: format!("{case_id}-1"),
            owner: "telegram".into(),
            urls: vec!["https://t.me/school_memes_kz".into()],
            issued_at: decided_at,
        },
    ];
    app.store
        .append(case_id, stored.version(), &events, "coord", decided_at)
        .await
        .unwrap();
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false")
}

#[tokio::test]
async fn decisions_export_as_dsa_statements_that_validate_against_the_schema() {
    let app = TestApp::spawn().await;
    let ids = with_applications(&app).await;
    for case_id in &ids[..7] {
        confirm(&app, case_id, Category::Cyberbullying).await;
    }
    for case_id in &ids[7..] {
        confirm(&app, case_id, Category::Cyberstalking).await;
    }
    let reply = app
        .get("/api/v1/stats/decisions.dsa.json?period=2026-12", None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let export: Value = serde_json::from_str(&reply.body).unwrap();
    let statements = export["statements"].as_array().unwrap();
    // Seven cyberbullying and five cyberstalking orders to telegram in
    // December: two cells of at least five, both published. (A cell of two
    // would be withheld, and with it telegram's other cell of the month, or
    // telegram's 12 orders in the month's report minus its statements would
    // tell that two were withheld: the domain's tests attack both ways.)
    assert_eq!(statements.len(), 12);
    assert_eq!(export["statements_withheld"], "<5");
    assert_eq!(
        statements[0]["category"],
        "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    );
    assert_eq!(
        statements[0]["category_specification"],
        json!(["KEYWORD_CYBER_BULLYING_INTIMIDATION"])
    );
    assert_eq!(statements[0]["application_date"], "2026-12-01");
    assert_eq!(statements[0]["content_date"], "2026-11-01");
    for secret in [
        "t.me",
        "QG-",
        "Данияр",
        "Айгуль",
        "systematic insults",
        "2012-04-15",
    ] {
        assert!(!reply.body.contains(secret), "{secret} in the export");
    }
    let bad = app
        .get("/api/v1/stats/decisions.dsa.json?period=2026-13", None)
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("invalid_period"));

    // The schema in docs/schemas/ accepts it (python's jsonschema, from the venv).
    let python = std::path::PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
        .join(".cache/qorgau/venv/bin/python");
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/schemas/dsa-statements.schema.json");
    let has_jsonschema = python.exists()
        && std::process::Command::new(&python)
            .args(["-c", "import jsonschema"])
            .status()
            .is_ok_and(|status| status.success());
    if !has_jsonschema {
        assert!(
            !in_ci(),
            "python jsonschema is required in CI: {}",
            python.display()
        );
        eprintln!("note: jsonschema is not installed; schema validation skipped outside CI");
        return;
    }
    let file = app.folder.path().join("export.json");
    std::fs::write(&file, &reply.body).unwrap();
    let validate = |path: &std::path::Path| {
        std::process::Command::new(&python)
            .args([
                "-c",
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 jsonschema.Draft202012Validator.check_schema(schema)\n\
                 jsonschema.validate(json.load(open(sys.argv[2])), schema, cls=jsonschema.Draft202012Validator)",
            ])
            .arg(&schema)
            .arg(path)
            .output()
            .unwrap()
    };
    let output = validate(&file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // And the schema can fail: a statement with a URL field is refused.
    let mut tampered = export.clone();
    tampered["statements"][0]["url"] = json!("https://t.me/school_memes_kz");
    let bad_file = app.folder.path().join("tampered.json");
    std::fs::write(&bad_file, tampered.to_string()).unwrap();
    assert!(!validate(&bad_file).status.success());
}

/// Seven applications on the same day: a count of 7 in every publication.
async fn with_seven_applications(app: &TestApp) {
    for _ in 0..7 {
        let body = json!({
            "language": "kk",
            "applicant": {"name": "Айгуль", "relation": "parent", "email": "a@example.kz"},
            "child": {"name": "Данияр", "birth_date": "2012-04-15"},
            "resources": [{"url": "https://t.me/school_memes_kz"}],
            "description": "…"
        });
        let reply = app.post("/api/v1/applications", None, body).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
    }
}

/// What each publication shows for the seven applications, and the
/// threshold it states: (API, open-data CSV line, dashboard cell,
/// report of December, DSA export's threshold).
async fn seven_as_published(app: &TestApp) -> [String; 5] {
    let stats = app.get("/api/v1/stats", None).await.json();
    let csv = app.get("/api/v1/stats/open-data.csv", None).await.body;
    let csv_line = csv
        .lines()
        .find(|line| line.starts_with("applications,total,count,"))
        .unwrap()
        .to_owned();
    let threshold_line = csv
        .lines()
        .find(|line| line.starts_with("report,threshold,,"))
        .unwrap()
        .to_owned();
    let dashboard = app.get("/stats?lang=en", None).await.body;
    let report = app
        .get("/stats/report?period=2026-12&format=json", None)
        .await
        .json();
    let dsa = app
        .get("/api/v1/stats/decisions.dsa.json?period=2026-12", None)
        .await
        .json();
    assert_eq!(stats["threshold"], report["threshold"]);
    assert_eq!(stats["threshold"], dsa["threshold"]);
    assert_eq!(
        threshold_line,
        format!("report,threshold,,{}", stats["threshold"])
    );
    // The dashboard says which threshold is in force.
    assert!(
        dashboard.contains(&format!(
            "every count below {} is shown",
            stats["threshold"]
        )),
        "{dashboard}"
    );
    let in_dashboard = if dashboard.contains("<td>7</td>") {
        "7".to_owned()
    } else if dashboard.contains("<td>&lt;10</td>") || dashboard.contains("<td>&#60;10</td>") {
        "<10".to_owned()
    } else {
        "neither".to_owned()
    };
    [
        stats["applications"].to_string(),
        csv_line,
        in_dashboard,
        report["statistics"]["applications"].to_string(),
        dsa["threshold"].to_string(),
    ]
}

#[tokio::test]
async fn the_operators_threshold_governs_every_publication() {
    let five = TestApp::spawn().await;
    with_seven_applications(&five).await;
    assert_eq!(
        seven_as_published(&five).await,
        [
            "7".to_owned(),
            "applications,total,count,7".to_owned(),
            "7".to_owned(),
            "7".to_owned(),
            "5".to_owned(),
        ]
    );

    let ten = TestApp::spawn_configured(qorgau_web::WebConfig {
        stats_threshold: 10,
        ..qorgau_web::WebConfig::default()
    })
    .await;
    with_seven_applications(&ten).await;
    assert_eq!(
        seven_as_published(&ten).await,
        [
            "\"<10\"".to_owned(),
            "applications,total,count,<10".to_owned(),
            "<10".to_owned(),
            "\"<10\"".to_owned(),
            "10".to_owned(),
        ]
    );
    // Still no caller-chosen threshold.
    let asked = ten.get("/api/v1/stats?threshold=5", None).await.json();
    assert_eq!(asked["applications"], "<10");
}

/// An auditor's recomputation: the log's leaves up to the published
/// checkpoint (their root must be the published root) name the record
/// entries the figures were computed from; those events, folded and
/// counted by the published definitions, must give the published figures.
async fn recomputed_from_the_log(app: &TestApp, published: &Value) -> Value {
    use qorgau_domain::statistics::report::LogSource;
    use qorgau_domain::statistics::{Period, public_statistics};

    let source = &published["source"];
    let states = cases_under_checkpoint(app, source).await;
    let computed_at = published["computed_at"].as_str().unwrap().parse().unwrap();
    let threshold = published["threshold"].as_u64().unwrap();
    let mut recomputed = public_statistics(&states, Period::default(), threshold, computed_at);
    recomputed.source = Some(LogSource {
        log_size: source["log_size"].as_u64().unwrap(),
        checkpoint_tree_size: source["checkpoint_tree_size"].as_u64(),
        checkpoint_root: source["checkpoint_root"].as_str().map(str::to_owned),
    });
    serde_json::to_value(&recomputed).unwrap()
}

/// The same for a transparency report: its period's year, recomputed from
/// the cases under its checkpoint.
async fn report_recomputed_from_the_log(app: &TestApp, published: &Value) -> Value {
    use qorgau_domain::statistics::CaseFacts;
    use qorgau_domain::statistics::report::{LogSource, transparency_report};

    let source = &published["source"];
    let states = cases_under_checkpoint(app, source).await;
    let facts: Vec<CaseFacts> = states.iter().map(CaseFacts::of).collect();
    let recomputed = transparency_report(
        &facts,
        published["period"].as_str().unwrap().parse().unwrap(),
        published["threshold"].as_u64().unwrap(),
        published["computed_at"].as_str().unwrap().parse().unwrap(),
        LogSource {
            log_size: source["log_size"].as_u64().unwrap(),
            checkpoint_tree_size: source["checkpoint_tree_size"].as_u64(),
            checkpoint_root: source["checkpoint_root"].as_str().map(str::to_owned),
        },
    );
    serde_json::to_value(&recomputed).unwrap()
}

/// The cases as the record stood at the checkpoint `source` names.
async fn cases_under_checkpoint(
    app: &TestApp,
    source: &Value,
) -> Vec<qorgau_domain::procedure::CaseState> {
    use qorgau_domain::procedure::CaseState;
    use qorgau_evidence::merkle::{MemoryLeafStore, MerkleLog};
    use qorgau_store::Maintenance;

    let tree_size = source["checkpoint_tree_size"].as_u64().unwrap();
    let leaves = app.store.log_leaves(0, tree_size as u32).await.unwrap();
    assert_eq!(leaves.len() as u64, tree_size);
    let mut tree = MerkleLog::new(MemoryLeafStore::new());
    for leaf in &leaves {
        tree.append(&leaf.entry).unwrap();
    }
    assert_eq!(
        hex::encode(tree.root(tree_size).unwrap()),
        source["checkpoint_root"].as_str().unwrap(),
        "the leaves are the checkpoint's"
    );
    let last_seq = leaves
        .iter()
        .filter_map(|leaf| {
            let entry: Value = serde_json::from_slice(&leaf.entry).unwrap();
            (entry["type"] == "case_event").then(|| entry["seq"].as_u64().unwrap())
        })
        .max()
        .unwrap();
    let mut events: std::collections::BTreeMap<String, Vec<CaseEvent>> = Default::default();
    for stored in app.store.entries_after(0, 100_000).await.unwrap() {
        if stored.entry.seq <= last_seq {
            events
                .entry(stored.entry.case_id.clone())
                .or_default()
                .push(serde_json::from_str(&stored.entry.payload).unwrap());
        }
    }
    events
        .values()
        .map(|events| CaseState::replay(events).unwrap())
        .collect()
}

#[tokio::test]
async fn an_auditor_recomputes_the_published_figures_from_the_log_up_to_their_checkpoint() {
    let app = TestApp::spawn().await;
    let ids = with_applications(&app).await;
    for case_id in &ids[..7] {
        confirm(&app, case_id, Category::Cyberbullying).await;
    }
    let published = app.get("/api/v1/stats", None).await.json();
    let report = app
        .get("/stats/report?period=2026-H2&format=json", None)
        .await
        .json();
    let source = &published["source"];
    // Signed just before the figures were read, and nothing written between:
    // the checkpoint covers exactly what was counted.
    assert_eq!(
        source["log_size"], source["checkpoint_tree_size"],
        "{source}"
    );
    assert_eq!(source["checkpoint_root"].as_str().unwrap().len(), 64);
    // The dashboard and the open data name the same checkpoint.
    let root = source["checkpoint_root"].as_str().unwrap();
    let dashboard = app.get("/stats?lang=en", None).await.body;
    assert!(dashboard.contains(&format!("<code>{root}</code>")));
    let csv = app.get("/api/v1/stats/open-data.csv", None).await.body;
    assert!(
        csv.contains(&format!("\nreport,checkpoint_root,,{root}\n")),
        "{csv}"
    );
    assert!(csv.contains(&format!(
        "\nreport,checkpoint_tree_size,,{}\n",
        source["checkpoint_tree_size"]
    )));

    // The record moves on: twelve more applications, five more decisions.
    let more = with_applications(&app).await;
    for case_id in &more[..5] {
        confirm(&app, case_id, Category::Cyberstalking).await;
    }
    let later = app.get("/api/v1/stats", None).await.json();
    assert_ne!(later["applications"], published["applications"]);
    // The auditor, with today's larger record, recomputes both publications
    // from the log up to each one's checkpoint.
    assert_eq!(recomputed_from_the_log(&app, &published).await, published);
    assert_eq!(recomputed_from_the_log(&app, &later).await, later);
    // And the half-year's report, which names its own checkpoint.
    assert_eq!(
        report["source"]["checkpoint_tree_size"],
        report["source"]["log_size"]
    );
    assert_eq!(report_recomputed_from_the_log(&app, &report).await, report);
}

/// Telegram's order of `case_id` (issued by `confirm`) delivered at once,
/// reported removed `hours` later and the removal verified an hour after.
async fn removed_after(app: &TestApp, case_id: &str, hours: i64) {
    use jiff::SignedDuration;
    use qorgau_domain::procedure::event::VerificationResult;
    let stored = app.store.load_case(case_id).await.unwrap().unwrap();
    let delivered_at = app.clock.now();
    let later = |hours: i64| {
        delivered_at
            .checked_add(SignedDuration::from_hours(hours))
            .unwrap()
    };
    let order_id = format!("{case_id}-1");
    let events = vec![
        CaseEvent::OrderDelivered {
            order_id: order_id.clone(),
            delivered_at,
            channel: "api".into(),
            removal_due: later(24),
        },
        CaseEvent::RemovalReported {
            order_id: order_id.clone(),
            reported_at: later(hours),
            removed_urls: vec!["https://t.me/school_memes_kz".into()],
            note: None,
        },
        CaseEvent::RemovalVerified {
            order_id,
            verified_at: later(hours + 1),
            result: VerificationResult::Removed,
            note: None,
        },
    ];
    app.store
        .append(
            case_id,
            stored.version(),
            &events,
            "system",
            later(hours + 1),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn time_to_removal_and_the_share_removed_in_time_are_published_by_platform() {
    let app = TestApp::spawn().await;
    let ids = with_applications(&app).await;
    // Twelve orders to telegram: seven removed in 2 hours, five in 30 (late).
    for (index, case_id) in ids.iter().enumerate() {
        confirm(&app, case_id, Category::Cyberbullying).await;
        removed_after(&app, case_id, if index < 7 { 2 } else { 30 }).await;
    }
    app.clock.set("2026-12-05T12:00:00+05:00".parse().unwrap());

    let stats = app.get("/api/v1/stats", None).await.json();
    let telegram = &stats["compliance"]["owners"][0];
    assert_eq!(telegram["owner"], "telegram");
    assert_eq!(telegram["removed_in_time"], 7);
    assert_eq!(telegram["removed_late"], 5);
    assert_eq!(telegram["removed_in_time_share"], 7.0 / 12.0);
    // Median of 12: the 6th and 7th (both 2 h); 90th percentile: the 11th.
    assert_eq!(
        telegram["time_to_removal"],
        json!({"count": 12, "median_hours": 2.0, "p90_hours": 30.0})
    );

    let csv = app.get("/api/v1/stats/open-data.csv", None).await.body;
    for line in [
        "compliance,telegram,removed_in_time_share,0.5833",
        "time_to_removal_by_owner,telegram,count,12",
        "time_to_removal_by_owner,telegram,median_hours,2.0",
        "time_to_removal_by_owner,telegram,p90_hours,30.0",
    ] {
        assert!(csv.contains(&format!("\n{line}\n")), "{line} in {csv}");
    }

    let dashboard = app.get("/stats?lang=en", None).await.body;
    check_charts("stats.en", &dashboard);
    let rows = page_rows(&dashboard);
    for (label, value) in [
        ("telegram", "58.3%"),
        ("From order delivery to removal: telegram", "2.0 h"),
    ] {
        assert!(
            rows.contains(&(label.to_owned(), value.to_owned())),
            "{label}: {value} in {rows:?}"
        );
    }
    for chart in ["median-title", "p90-title", "in-time-share-title"] {
        assert!(
            dashboard.contains(&format!("<title id=\"{chart}\">")),
            "{chart}"
        );
    }
    // The dashboard links to the reports and the DSA export.
    assert!(dashboard.contains("href=\"/stats/report/2026?lang=en\""));
    assert!(dashboard.contains("href=\"/api/v1/stats/decisions.dsa.json?period=2026\""));

    let report = app
        .get("/stats/report?period=2026-12&format=json", None)
        .await
        .json();
    assert_eq!(
        report["statistics"]["compliance"]["owners"][0]["time_to_removal"],
        telegram["time_to_removal"]
    );
    let page = app.get("/stats/report/2026-12?lang=en", None).await.body;
    check_charts("stats-report.en", &page);
    assert!(page.contains("<title id=\"responses-title\">"));
}
