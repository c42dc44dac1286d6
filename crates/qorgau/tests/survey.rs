#![allow(clippy::unwrap_used, clippy::panic)]
//! `qorgau survey analyze` end to end: the real binary on real files.

use std::process::{Command, Output};

const HEADER: &str = "respondent_id,sex,age,harassed_online,persecuted_offline";

fn qorgau(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qorgau"))
        .args(args)
        .env_remove("QORGAU_TEST_NOW")
        .env_remove("QORGAU_LANG")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The seed paper's survey as a file: 1,056 respondents aged 13–18 (559 girls,
/// 497 boys), 345 harassed through gadgets, 115 persecuted offline. The split
/// by sex is illustrative; the paper gives only the totals.
fn paper_survey() -> String {
    let mut csv = format!("{HEADER}\n");
    for (sex, range, harassed, persecuted) in
        [("f", 0..559_u32, 183, 61), ("m", 559..1056, 162, 54)]
    {
        let start = range.start;
        for respondent in range {
            let index = respondent - start;
            let age = 13 + respondent % 6;
            csv.push_str(&format!(
                "r{respondent:04},{sex},{age},{},{}\n",
                u32::from(index < harassed),
                u32::from(index < persecuted)
            ));
        }
    }
    csv
}

fn write(folder: &tempfile::TempDir, name: &str, contents: &str) -> String {
    let path = folder.path().join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn the_papers_survey_as_json() {
    let folder = tempfile::tempdir().unwrap();
    let file = write(&folder, "paper.csv", &paper_survey());
    let output = qorgau(&["survey", "analyze", &file, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["respondents"], 1056);
    let harassed = &json["measures"]["harassed_online"];
    assert_eq!(harassed["count"], 345);
    let share = harassed["share"].as_f64().unwrap();
    assert!((share - 345.0 / 1056.0).abs() < 1e-12);
    let interval: Vec<f64> = harassed["ci95"]
        .as_array()
        .unwrap()
        .iter()
        .map(|bound| bound.as_f64().unwrap())
        .collect();
    assert!((interval[0] - 0.2991).abs() < 5e-5, "{interval:?}");
    assert!((interval[1] - 0.3556).abs() < 5e-5, "{interval:?}");
    assert_eq!(json["measures"]["persecuted_offline"]["count"], 115);
    assert_eq!(json["by_sex"]["f"]["respondents"], 559);
    assert_eq!(json["by_sex"]["m"]["respondents"], 497);
    assert_eq!(
        json["by_sex"]["f"]["measures"]["harassed_online"]["count"],
        183
    );
    assert_eq!(json["by_age_group"]["5_9"]["respondents"], 0);
    assert!(json["by_age_group"]["5_9"]["measures"]["harassed_online"]["share"].is_null());
    // The keys in API.md's order, straight from the output text.
    let raw = text(&output.stdout);
    let positions: Vec<usize> = [
        "\"respondents\"",
        "\"measures\"",
        "\"by_sex\"",
        "\"by_age_group\"",
    ]
    .iter()
    .map(|key| raw.find(key).unwrap())
    .collect();
    assert!(positions.is_sorted(), "{raw}");
}

#[test]
fn the_readable_table_in_three_languages() {
    let folder = tempfile::tempdir().unwrap();
    let file = write(&folder, "paper.csv", &paper_survey());
    let english = qorgau(&["--lang", "en", "survey", "analyze", &file]);
    assert_eq!(english.status.code(), Some(0), "{}", text(&english.stderr));
    let table = text(&english.stdout);
    assert!(table.contains("Survey: 1056 respondents"), "{table}");
    assert!(table.contains("32.7% (29.9–35.6)"), "{table}");
    assert!(table.contains("10.9% (9.2–12.9)"), "{table}");
    assert!(table.contains("Age 5–9"), "{table}");
    let russian = text(&qorgau(&["--lang", "ru", "survey", "analyze", &file]).stdout);
    assert!(russian.contains("1056 респондентов"), "{russian}");
    assert!(russian.contains("32,7 % (29,9–35,6)"), "{russian}");
    let kazakh = text(&qorgau(&["survey", "analyze", &file]).stdout);
    assert!(kazakh.contains("Барлық респонденттер"), "{kazakh}");
    assert!(kazakh.contains("32,7% (29,9–35,6)"), "{kazakh}");
}

#[test]
fn malformed_files_exit_2_naming_the_line() {
    let folder = tempfile::tempdir().unwrap();
    let cases = [
        ("header.csv", "id,sex,age\n".to_owned(), "Line 1"),
        (
            "duplicate.csv",
            format!("{HEADER}\na,f,14,1,0\nb,m,15,0,0\na,f,14,1,0\n"),
            "already answered on line 2",
        ),
        (
            "age.csv",
            format!("{HEADER}\na,f,14,1,0\nb,m,3,0,0\n"),
            "Line 3: age 3 is impossible",
        ),
        (
            "columns.csv",
            format!("{HEADER}\na,f,14,1\n"),
            "Line 2: expected 5 values",
        ),
        (
            "answer.csv",
            format!("{HEADER}\na,f,14,yes,0\n"),
            "harassed_online is 1 (yes) or 0 (no)",
        ),
        ("empty.csv", String::new(), "the file is empty"),
    ];
    for (name, contents, expected) in cases {
        let file = write(&folder, name, &contents);
        let output = qorgau(&["--lang", "en", "survey", "analyze", &file, "--json"]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(output.stdout.is_empty(), "{name}: nothing on stdout");
        let message = text(&output.stderr);
        assert!(message.contains(expected), "{name}: {message}");
    }
    let missing = qorgau(&["survey", "analyze", "/nonexistent/survey.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    // In Russian too.
    let file = write(&folder, "sex.csv", &format!("{HEADER}\na,x,14,1,0\n"));
    let output = qorgau(&["--lang", "ru", "survey", "analyze", &file]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("Строка 2: пол указывается как f или m"),
        "{}",
        text(&output.stderr)
    );
}
