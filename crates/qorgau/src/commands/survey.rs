//! `qorgau survey analyze FILE.csv [--json]`: prevalence from an anonymous
//! survey, with 95% Wilson intervals (API.md; the rules are in
//! `qorgau_domain::survey`, the measures in docs/statistics.md).

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use clap::Subcommand;
use qorgau_domain::message::{Explain, Language, Message};
use qorgau_domain::survey::{
    AgeGroup, GroupAnalysis, Measure, Prevalence, Sex, SurveyAnalysis, SurveyParser, analyze,
};

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Prevalence with 95% Wilson score intervals, overall, by sex and by age group.
    /// The CSV header is exactly respondent_id,sex,age,harassed_online,persecuted_offline
    /// (sex f or m, age 5 to 25, answers 1 or 0). A malformed file is refused with the
    /// line and the reason (exit 2).
    Analyze {
        /// The survey file; `-` reads standard input.
        #[arg(value_name = "FILE.csv")]
        file: PathBuf,
        /// Print {"respondents","measures","by_sex","by_age_group"} as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(session: &Session, command: SurveyCommand) -> Result<u8, AppError> {
    let SurveyCommand::Analyze { file, json } = command;
    let analysis = read_survey(&file)?;
    if json {
        let text = serde_json::to_string(&analysis).map_err(|error| {
            AppError::bad_input(
                Message::new("cli-file-unreadable")
                    .with("path", file.display().to_string())
                    .with("detail", error.to_string()),
            )
        })?;
        println!("{text}");
    } else {
        print!("{}", render_table(session, &analysis));
    }
    Ok(exit::OK)
}

/// Reads the file line by line into the domain's streaming parser: a survey of
/// any size needs only its tallies in memory.
fn read_survey(path: &PathBuf) -> Result<SurveyAnalysis, AppError> {
    let unreadable = |error: std::io::Error| {
        AppError::bad_input(
            Message::new("cli-file-unreadable")
                .with("path", path.display().to_string())
                .with("detail", error.to_string()),
        )
    };
    let source: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(unreadable)?)
    };
    let mut reader = BufReader::new(source);
    let mut parser = SurveyParser::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(unreadable)? == 0 {
            break;
        }
        parser
            .push_bytes(&line)
            .map_err(|error| AppError::bad_input(error.explain()))?;
    }
    let tally = parser
        .finish()
        .map_err(|error| AppError::bad_input(error.explain()))?;
    Ok(analyze(&tally))
}

/// A share as a percentage with one decimal, in the reader's convention
/// (a decimal comma in Kazakh and Russian).
fn percent(share: f64, language: Language) -> String {
    let text = format!("{:.1}", share * 100.0);
    match language {
        Language::Kk | Language::Ru => text.replace('.', ","),
        Language::En => text,
    }
}

fn prevalence_cell(session: &Session, prevalence: &Prevalence) -> String {
    match (prevalence.share, prevalence.ci95) {
        (Some(share), Some([low, high])) => session.say(
            &Message::new("survey-prevalence")
                .with("share", percent(share, session.language))
                .with("low", percent(low, session.language))
                .with("high", percent(high, session.language)),
        ),
        _ => session.say(&Message::new("survey-no-respondents")),
    }
}

/// The readable table: a row per group, a column per measure.
fn render_table(session: &Session, analysis: &SurveyAnalysis) -> String {
    let mut groups: Vec<(String, &GroupAnalysis)> = Vec::new();
    let overall = GroupAnalysis {
        respondents: analysis.respondents,
        measures: analysis.measures,
    };
    groups.push((session.say(&Message::new("survey-all")), &overall));
    for (sex, group) in &analysis.by_sex {
        groups.push((session.say(&Message::new(Sex::message_id(*sex))), group));
    }
    for (age_group, group) in &analysis.by_age_group {
        let (from, to) = AgeGroup::range(*age_group);
        groups.push((
            session.say(
                &Message::new("survey-age-group")
                    .with("from", i64::from(from))
                    .with("to", i64::from(to)),
            ),
            group,
        ));
    }
    let mut rows: Vec<Vec<String>> = vec![
        [
            "survey-col-group",
            "survey-col-respondents",
            Measure::HarassedOnline.message_id(),
            Measure::PersecutedOffline.message_id(),
        ]
        .iter()
        .map(|id| session.say(&Message::new(id)))
        .collect(),
    ];
    for (label, group) in groups {
        let mut row = vec![label, group.respondents.to_string()];
        for measure in Measure::ALL {
            row.push(prevalence_cell(session, group.measures.get(measure)));
        }
        rows.push(row);
    }
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .map(|row| row.get(column).map_or(0, |cell| cell.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = session.say(&Message::new("survey-title").with(
        "respondents",
        i64::try_from(analysis.respondents).unwrap_or(i64::MAX),
    ));
    text.push_str("\n\n");
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(column, (cell, width))| {
                let padding = " ".repeat(width.saturating_sub(cell.chars().count()));
                // The respondents column is a number: right-aligned.
                if column == 1 {
                    format!("{padding}{cell}")
                } else {
                    format!("{cell}{padding}")
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&session.say(&Message::new("survey-note")));
    text.push('\n');
    text
}
