use std::io::Read;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use qorgau_domain::application::{ApplicationForm, Channel};
use qorgau_domain::category::{Category, CriminalIndicator};
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Command, VoteChoice};
use qorgau_store::Store;

use super::{parse_date, parse_time};
use crate::Session;
use crate::error::{AppError, exit};
use crate::output;
use qorgau_app::{Intake, Procedure};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChannelArg {
    Electronic,
    Paper,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VoteArg {
    Confirm,
    NotConfirm,
}

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Register an application from a JSON file (the format of POST /api/v1/applications;
    /// `-` reads standard input). Prints the case number and its deadlines. An application
    /// that names no Internet resource, or concerns an adult, is recorded as refused with
    /// the reason.
    Submit {
        #[arg(long = "json", value_name = "FILE")]
        file: PathBuf,
        /// How the application arrived.
        #[arg(long, value_enum, default_value = "electronic")]
        channel: ChannelArg,
        /// When it arrived, if not now (RFC 3339, e.g. 2026-12-01T09:30:00+05:00): the date
        /// stamped on a paper application. Deadlines count from this.
        #[arg(long, value_name = "TIME")]
        received_at: Option<String>,
    },
    /// Show a case: its state, deadlines in Almaty time, votes, orders and timeline.
    Show {
        case_id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Put the case before the expert group (also done by the first vote).
    Review { case_id: String },
    /// Cast your vote as a member of the expert group (a later vote replaces yours).
    Vote {
        case_id: String,
        #[arg(long, value_enum)]
        vote: VoteArg,
        /// cyberbullying, cyberstalking, criminal, or none (with not-confirm).
        #[arg(long, value_parser = parse_category)]
        category: Category,
        /// A sign of a crime, with --category criminal (repeatable): incitement_to_suicide_or_self_harm,
        /// sexual_coercion_or_grooming, threat_to_life_or_health, disclosure_of_private_or_family_secrets.
        #[arg(long = "indicator", value_parser = parse_indicator)]
        indicators: Vec<CriminalIndicator>,
        /// Your reasons; they go into the decision.
        #[arg(long)]
        reasons: String,
    },
    /// Record the expert group's decision by the regime's rule from the votes cast.
    /// A confirmed decision issues the removal orders at once.
    Decide {
        case_id: String,
        /// Why cyberbullying is confirmed on fewer than two incidents on record.
        #[arg(long)]
        override_reason: Option<String>,
    },
    /// Extend consideration (the chair, by a reasoned decision; at most 15 calendar days
    /// from receipt). The applicant must be told within 2 working days.
    Extend {
        case_id: String,
        /// The new last day of consideration, YYYY-MM-DD.
        #[arg(long)]
        until: String,
        #[arg(long)]
        reason: String,
    },
    /// Record that the applicant was told of the extension.
    NotifyExtension { case_id: String },
    /// Refer the case to law enforcement (cyberstalking or criminal indicators).
    Refer {
        case_id: String,
        /// The receiving authority, e.g. the police department of the region.
        #[arg(long)]
        authority: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record that the response was sent to the applicant, in the case's language.
    Respond {
        case_id: String,
        /// How it was sent: email, post, portal.
        #[arg(long, default_value = "email")]
        channel: String,
    },
    /// Close the case: answered, and every order removed or fully escalated.
    Close { case_id: String },
    /// Link two cases (the same account, or the same child), with a reason;
    /// the link is recorded in the later of the two.
    Link {
        case_id: String,
        other_case_id: String,
        /// same-actor or same-child.
        #[arg(long, value_parser = super::linked::parse_basis)]
        basis: qorgau_domain::linking::LinkBasis,
        /// For same-actor: the account's key (`telegram:channel:name`).
        #[arg(long)]
        actor_key: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Undo a link between two cases, with a reason.
    Unlink {
        case_id: String,
        other_case_id: String,
        #[arg(long)]
        reason: String,
    },
    /// The linked timeline of the case's child: links, incidents and imported
    /// chats across linked cases, and the pursuit indicators.
    Timeline {
        case_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Import a chat export into the case as evidence: the file is kept (with
    /// its receipt) and the days the marked sender wrote feed the incident
    /// count and the pursuit indicators (docs/chat-import.md).
    ImportChat {
        case_id: String,
        file: PathBuf,
        /// telegram, whatsapp or text.
        #[arg(long, value_parser = super::linked::parse_format)]
        format: qorgau_chat::ChatFormat,
        /// The sender who is the actor, as the export names them (or a
        /// Telegram `from_id`).
        #[arg(long)]
        sender: String,
        /// The actor's platform (telegram, whatsapp, instagram, …).
        #[arg(long, value_parser = super::linked::parse_platform)]
        platform: qorgau_domain::validation::resource::Platform,
        /// The actor's account there: a handle or a link.
        #[arg(long)]
        account: String,
        /// The zone of times written without one (default Asia/Almaty).
        #[arg(long)]
        timezone: Option<String>,
    },
}

fn parse_category(text: &str) -> Result<Category, String> {
    serde_json::from_value(serde_json::Value::String(text.replace('-', "_")))
        .map_err(|_| format!("`{text}` is not cyberbullying, cyberstalking, criminal or none"))
}

fn parse_indicator(text: &str) -> Result<CriminalIndicator, String> {
    serde_json::from_value(serde_json::Value::String(text.replace('-', "_")))
        .map_err(|_| format!("`{text}` is not a known criminal indicator"))
}

fn read_form(path: &PathBuf) -> Result<ApplicationForm, AppError> {
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|contents| text = contents)
    };
    read.map_err(|error| {
        AppError::bad_input(
            Message::new("cli-file-unreadable")
                .with("path", path.display().to_string())
                .with("detail", error.to_string()),
        )
    })?;
    serde_json::from_str(&text).map_err(|error| {
        AppError::bad_input(
            Message::new("cli-json-invalid")
                .with("path", path.display().to_string())
                .with("line", error.line() as i64)
                .with("column", error.column() as i64)
                .with("detail", error.to_string()),
        )
    })
}

pub async fn run(session: &Session, command: CaseCommand) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    let procedure = Procedure::new(&store, session.clock.as_ref());
    let (case_id, command) = match command {
        CaseCommand::Submit {
            file,
            channel,
            received_at,
        } => {
            let actor = session.actor(&store).await?;
            let form = read_form(&file)?;
            let channel = match channel {
                ChannelArg::Electronic => Channel::Electronic,
                ChannelArg::Paper => Channel::Paper,
            };
            let received_at = received_at.as_deref().map(parse_time).transpose()?;
            let intake = Intake {
                form: &form,
                channel,
                received_at,
                record_refusals: true,
            };
            let submitted = procedure.submit(intake, &actor).await?;
            print!("{}", output::submitted(session, &procedure, &submitted)?);
            return Ok(exit::OK);
        }
        CaseCommand::Show { case_id, json } => {
            let case = procedure.load(&case_id).await?;
            let timeline = store.timeline(&case_id).await?;
            if json {
                println!(
                    "{}",
                    output::case_json(&procedure, &case_id, &case.state()?, &timeline)?
                );
            } else {
                print!(
                    "{}",
                    output::case_text(session, &procedure, &case_id, &case.state()?, &timeline)?
                );
            }
            return Ok(exit::OK);
        }
        CaseCommand::Review { case_id } => (case_id, Command::StartReview),
        CaseCommand::Vote {
            case_id,
            vote,
            category,
            indicators,
            reasons,
        } => {
            let vote = match vote {
                VoteArg::Confirm => VoteChoice::Confirm,
                VoteArg::NotConfirm => VoteChoice::NotConfirm,
            };
            (
                case_id,
                Command::Vote {
                    vote,
                    category,
                    indicators,
                    reasons,
                },
            )
        }
        CaseCommand::Decide {
            case_id,
            override_reason,
        } => {
            let command = procedure.decide_command(&case_id, override_reason).await?;
            (case_id, command)
        }
        CaseCommand::Extend {
            case_id,
            until,
            reason,
        } => (
            case_id,
            Command::Extend {
                until: parse_date(&until)?,
                reason,
            },
        ),
        CaseCommand::NotifyExtension { case_id } => (case_id, Command::SendExtensionNotice),
        CaseCommand::Refer {
            case_id,
            authority,
            note,
        } => (case_id, Command::ReferToLawEnforcement { authority, note }),
        CaseCommand::Respond { case_id, channel } => (case_id, Command::SendResponse { channel }),
        CaseCommand::Close { case_id } => (case_id, Command::Close),
        CaseCommand::Link {
            case_id,
            other_case_id,
            basis,
            actor_key,
            reason,
        } => {
            return super::linked::link(
                session,
                &procedure,
                &case_id,
                &other_case_id,
                basis,
                actor_key,
                reason,
            )
            .await;
        }
        CaseCommand::Unlink {
            case_id,
            other_case_id,
            reason,
        } => {
            return super::linked::unlink(session, &procedure, &case_id, &other_case_id, reason)
                .await;
        }
        CaseCommand::Timeline { case_id, json } => {
            return super::linked::timeline(session, &procedure, &case_id, json).await;
        }
        CaseCommand::ImportChat {
            case_id,
            file,
            format,
            sender,
            platform,
            account,
            timezone,
        } => {
            let args = super::linked::ImportChatArgs {
                case_id,
                file,
                format,
                sender,
                platform,
                account,
                timezone,
            };
            return super::linked::import_chat(session, &procedure, args).await;
        }
    };
    let actor = session.actor(&store).await?;
    let (events, state) = procedure.run(&case_id, &actor, command).await?;
    print!(
        "{}",
        output::recorded(session, &procedure, &case_id, &events, &state)?
    );
    Ok(exit::OK)
}
