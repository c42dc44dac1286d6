//! `qorgau import chat FILE --format telegram|whatsapp|text [--json]
//! [--timezone TZ] [--date-order dmy|mdy] [--signals]`: the expert's preview
//! of a chat export (API.md). It parses the file with `qorgau-chat` and prints
//! what was read, what was skipped and why; it never opens the store.
//!
//! `qorgau import FILE` (an archive of the whole store, `maintenance::import`)
//! shares the word: [`ImportArgs`] takes either a subcommand (`chat`) or a
//! file, so both spellings of API.md and docs/operations.md keep working. An
//! archive literally named `chat` is imported as `./chat`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use qorgau_chat::signals::{Lexicon, SignalCategory, SignalMatch};
use qorgau_chat::{ChatFormat, DateOrder, ImportOptions, ImportSummary, MessageRef};
use qorgau_domain::message::{Explain, Message};
use serde::Serialize;

use crate::Session;
use crate::error::{AppError, exit};

/// `qorgau import FILE` or `qorgau import chat FILE …`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: Option<ImportCommand>,
    /// An archive written by `qorgau export`, loaded into an empty store,
    /// re-verifying the chain and rebuilding the read models; `-` reads
    /// standard input.
    #[arg(value_name = "FILE", required = true)]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Preview a chat export — Telegram Desktop's result.json, WhatsApp's
    /// exported .txt or pasted text — without storing anything: messages,
    /// senders, the period, and every record skipped with its reason
    /// (docs/chat-import.md). A file that breaks off is refused whole (exit 2).
    Chat(ChatArgs),
}

/// What `qorgau import` was asked to do.
pub enum ImportAction {
    Archive(PathBuf),
    Chat(ChatArgs),
}

impl ImportArgs {
    pub fn into_action(self) -> Result<ImportAction, AppError> {
        match (self.command, self.file) {
            (Some(ImportCommand::Chat(chat)), _) => Ok(ImportAction::Chat(chat)),
            (None, Some(file)) => Ok(ImportAction::Archive(file)),
            // clap requires FILE without a subcommand; kept for completeness.
            (None, None) => Err(AppError::bad_input(Message::new("chat-error-import-file"))),
        }
    }
}

#[derive(Debug, Args)]
pub struct ChatArgs {
    /// The export; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// telegram (result.json), whatsapp (.txt) or text (pasted).
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Print {"messages","senders","first_at","last_at","skipped"} as JSON (API.md);
    /// reasons for skipped records go to standard error.
    #[arg(long)]
    pub json: bool,
    /// The time zone of times written without one: WhatsApp and pasted times, and
    /// Telegram's `date` in exports without `date_unixtime`. Also the zone of the output.
    #[arg(long, value_name = "TZ", default_value = "Asia/Almaty")]
    pub timezone: String,
    /// dmy or mdy: how to read dates such as 3/6/24 when the file does not settle it.
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_order: Option<DateOrderArg>,
    /// Also list the abuse signals found (lexicon entries and doxxing detectors):
    /// highlights to help reading, never a finding.
    #[arg(long)]
    pub signals: bool,
    /// A folder of lexicon files (`*.toml`, data/lexicons' format) the
    /// experts keep beside the built-in ones; a file named like a built-in
    /// one replaces it.
    #[arg(long, env = "QORGAU_LEXICONS", value_name = "DIR")]
    pub lexicons: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Telegram,
    Whatsapp,
    Text,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DateOrderArg {
    Dmy,
    Mdy,
}

/// The JSON of API.md, field for field and in its order; `signals` only when
/// asked for with `--signals`.
#[derive(Serialize)]
struct Preview<'a> {
    messages: u64,
    senders: Vec<SenderJson<'a>>,
    first_at: Option<String>,
    last_at: Option<String>,
    skipped: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    signals: Option<BTreeMap<&'static str, u64>>,
}

#[derive(Serialize)]
struct SenderJson<'a> {
    name: &'a str,
    messages: u64,
}

/// How many signal matches the readable output lists one by one.
const SIGNALS_LISTED: usize = 30;

/// Signals counted while the messages stream past (none are kept but the
/// first few examples).
#[derive(Default)]
struct SignalTally {
    by_category: BTreeMap<SignalCategory, u64>,
    examples: Vec<(MessageRef, SignalMatch, String)>,
    total: u64,
}

pub fn run(session: &Session, args: ChatArgs) -> Result<u8, AppError> {
    let zone = TimeZone::get(&args.timezone).map_err(|_| {
        AppError::bad_input(
            Message::new("chat-error-time-zone").with("zone", args.timezone.as_str()),
        )
    })?;
    let format = match args.format {
        FormatArg::Telegram => ChatFormat::Telegram,
        FormatArg::Whatsapp => ChatFormat::Whatsapp,
        FormatArg::Text => ChatFormat::Text,
    };
    let options = ImportOptions {
        time_zone: zone.clone(),
        date_order: args.date_order.map(|order| match order {
            DateOrderArg::Dmy => DateOrder::DayFirst,
            DateOrderArg::Mdy => DateOrder::MonthFirst,
        }),
    };
    if let Some(folder) = &args.lexicons {
        install_lexicons(folder)?;
    }
    let lexicon = if args.signals {
        Some(Lexicon::embedded().map_err(|error| lexicon_error(&error.to_string()))?)
    } else {
        None
    };
    let unreadable = |error: std::io::Error| {
        AppError::bad_input(
            Message::new("cli-file-unreadable")
                .with("path", args.file.display().to_string())
                .with("detail", error.to_string()),
        )
    };
    let source: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(&args.file).map_err(unreadable)?)
    };

    let mut tally = SignalTally::default();
    let result = qorgau_chat::import(format, source, &options, &mut |message| {
        let Some(lexicon) = lexicon else { return };
        for signal in lexicon.find(&message.text) {
            tally.total += 1;
            *tally.by_category.entry(signal.category).or_default() += 1;
            if tally.examples.len() < SIGNALS_LISTED {
                let shown = shown_text(&signal, &message.text);
                tally.examples.push((message.reference, signal, shown));
            }
        }
    });
    let summary = match result {
        Ok(summary) => summary,
        Err(error) => {
            // What was read before the file broke off, then why nothing is kept.
            let skipped = skipped_lines(session, &error.read_before);
            if !skipped.is_empty() {
                eprint!("{skipped}");
            }
            return Err(AppError::bad_input(error.explain()));
        }
    };
    if args.json {
        let preview = Preview {
            messages: summary.messages,
            senders: summary
                .senders
                .iter()
                .map(|sender| SenderJson {
                    name: &sender.name,
                    messages: sender.messages,
                })
                .collect(),
            first_at: summary.first_at.map(|time| rfc3339(time, &zone)),
            last_at: summary.last_at.map(|time| rfc3339(time, &zone)),
            skipped: summary.skipped_total(),
            signals: lexicon.map(|_| {
                tally
                    .by_category
                    .iter()
                    .map(|(category, count)| (category.as_str(), *count))
                    .collect()
            }),
        };
        let text = serde_json::to_string(&preview).map_err(|error| {
            AppError::bad_input(
                Message::new("cli-file-unreadable")
                    .with("path", args.file.display().to_string())
                    .with("detail", error.to_string()),
            )
        })?;
        println!("{text}");
        let skipped = skipped_lines(session, &summary);
        if !skipped.is_empty() {
            eprint!("{skipped}");
        }
    } else {
        print!(
            "{}",
            render(session, &summary, &zone, lexicon.map(|_| &tally))
        );
    }
    Ok(exit::OK)
}

fn rfc3339(time: Timestamp, zone: &TimeZone) -> String {
    time.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn local(time: Timestamp, zone: &TimeZone) -> String {
    time.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn number(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// The matched text; digits of personal data are masked but the last two, so
/// a terminal or a screenshot of the preview does not spread them further.
fn shown_text(signal: &SignalMatch, text: &str) -> String {
    let matched = signal.matched(text);
    if signal.category != SignalCategory::Doxxing {
        return matched.to_owned();
    }
    let digits = matched.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    matched
        .chars()
        .map(|character| {
            if character.is_ascii_digit() {
                seen += 1;
                if seen + 2 <= digits { '•' } else { character }
            } else {
                character
            }
        })
        .collect()
}

/// "Skipped: N …" and one line per reason; empty when nothing was skipped.
fn skipped_lines(session: &Session, summary: &ImportSummary) -> String {
    let total = summary.skipped_total();
    if total == 0 {
        return String::new();
    }
    let mut text = String::new();
    say_line(
        &mut text,
        session,
        0,
        &Message::new("chat-summary-skipped").with("count", number(total)),
    );
    for skipped in &summary.skipped {
        say_line(&mut text, session, 2, &skipped.explain());
    }
    text
}

/// Appends one message as a line, indented by `indent` spaces.
fn say_line(text: &mut String, session: &Session, indent: usize, message: &Message) {
    let _ = writeln!(text, "{:indent$}{}", "", session.say(message));
}

fn render(
    session: &Session,
    summary: &ImportSummary,
    zone: &TimeZone,
    signals: Option<&SignalTally>,
) -> String {
    let mut text = String::new();
    let out = &mut text;
    say_line(
        out,
        session,
        0,
        &Message::new("chat-summary-format").with("format", summary.format.as_str()),
    );
    if let Some(name) = &summary.chat_name {
        say_line(
            out,
            session,
            0,
            &Message::new("chat-summary-chat-name").with("name", name.as_str()),
        );
    }
    say_line(
        out,
        session,
        0,
        &Message::new("chat-summary-messages")
            .with("messages", number(summary.messages))
            .with("senders", number(summary.senders.len() as u64)),
    );
    match (summary.first_at, summary.last_at) {
        (Some(first), Some(last)) => say_line(
            out,
            session,
            0,
            &Message::new("chat-summary-period")
                .with("first", local(first, zone))
                .with("last", local(last, zone))
                .with("zone", zone.iana_name().unwrap_or("UTC")),
        ),
        _ if summary.messages > 0 => {
            say_line(out, session, 0, &Message::new("chat-summary-no-times"));
        }
        _ => {}
    }
    if summary.without_time > 0 && summary.without_time < summary.messages {
        say_line(
            out,
            session,
            0,
            &Message::new("chat-summary-without-time").with("count", number(summary.without_time)),
        );
    }
    if !summary.senders.is_empty() {
        say_line(out, session, 0, &Message::new("chat-summary-senders"));
    }
    for sender in &summary.senders {
        say_line(
            out,
            session,
            2,
            &Message::new("chat-summary-sender")
                .with("name", sender.name.as_str())
                .with("messages", number(sender.messages)),
        );
    }
    let skipped = skipped_lines(session, summary);
    if skipped.is_empty() {
        say_line(
            out,
            session,
            0,
            &Message::new("chat-summary-nothing-skipped"),
        );
    }
    out.push_str(&skipped);
    if !summary.assumptions.is_empty() {
        say_line(out, session, 0, &Message::new("chat-summary-assumed"));
        for assumption in &summary.assumptions {
            say_line(out, session, 2, &assumption.explain());
        }
    }
    if let Some(tally) = signals {
        render_signals(session, tally, out);
    }
    say_line(out, session, 0, &Message::new("chat-summary-not-stored"));
    text
}

fn render_signals(session: &Session, tally: &SignalTally, text: &mut String) {
    if tally.total == 0 {
        say_line(text, session, 0, &Message::new("chat-summary-no-signals"));
        return;
    }
    say_line(text, session, 0, &Message::new("chat-summary-signals"));
    let category_name =
        |category: SignalCategory| session.say(&Message::new(category.message_id()));
    for (category, count) in &tally.by_category {
        say_line(
            text,
            session,
            2,
            &Message::new("chat-summary-signal-count")
                .with("category", category_name(*category))
                .with("count", number(*count)),
        );
    }
    for (reference, signal, shown) in &tally.examples {
        say_line(
            text,
            session,
            2,
            &Message::new("chat-summary-signal")
                .with("where", session.say(&reference.explain()))
                .with("category", category_name(signal.category))
                .with("matched", shown.as_str())
                .with("source", signal.source()),
        );
    }
    let listed = tally.examples.len() as u64;
    if tally.total > listed {
        say_line(
            text,
            session,
            2,
            &Message::new("chat-summary-signals-more").with("count", number(tally.total - listed)),
        );
    }
}

fn lexicon_error(detail: &str) -> AppError {
    AppError::bad_input(Message::new("chat-error-lexicon").with("detail", detail.to_owned()))
}

/// Reads the experts' lexicon folder (every `*.toml` in it) and makes it,
/// with the built-in files, the lexicon in force (`Lexicon::install`).
pub fn install_lexicons(folder: &std::path::Path) -> Result<(), AppError> {
    let unreadable = |path: &std::path::Path, error: std::io::Error| {
        lexicon_error(&format!("{}: {error}", path.display()))
    };
    let mut files = Vec::new();
    for item in std::fs::read_dir(folder).map_err(|error| unreadable(folder, error))? {
        let path = item.map_err(|error| unreadable(folder, error))?.path();
        if path.extension().is_none_or(|extension| extension != "toml") {
            continue;
        }
        let contents = std::fs::read_to_string(&path).map_err(|error| unreadable(&path, error))?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, contents));
    }
    Lexicon::install(&files).map_err(|error| lexicon_error(&error.to_string()))?;
    Ok(())
}
