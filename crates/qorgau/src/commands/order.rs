use clap::{Subcommand, ValueEnum};
use qorgau_domain::message::Message;
use qorgau_domain::procedure::{Command, VerificationResult};

use super::parse_time;
use crate::Session;
use crate::error::{AppError, exit};
use crate::output;
use qorgau_app::Procedure;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ResultArg {
    Removed,
    StillPresent,
    Unreachable,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Issue orders on a confirmed case: with no --url, one order per owner for every
    /// resource not yet ordered.
    Issue {
        case_id: String,
        /// The addressee, if not the platform or website the URL belongs to.
        #[arg(long)]
        owner: Option<String>,
        /// A URL of the case to include (repeatable).
        #[arg(long = "url")]
        urls: Vec<String>,
    },
    /// Record that the order reached its addressee; the 24-hour removal clock starts.
    Delivered {
        order_id: String,
        /// When it was delivered, if not now (RFC 3339).
        #[arg(long)]
        at: Option<String>,
        /// email, webhook, portal, post.
        #[arg(long, default_value = "email")]
        channel: String,
    },
    /// Record that the addressee acknowledged the order.
    Acknowledged { order_id: String },
    /// Record the addressee's report that the content was removed.
    RemovalReported {
        order_id: String,
        /// A removed URL (repeatable); none means all of the order's URLs.
        #[arg(long = "url")]
        urls: Vec<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record what a check of the URLs showed.
    Verify {
        order_id: String,
        #[arg(long, value_enum)]
        result: ResultArg,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record that the removal deadline passed without removal.
    NotComplied { order_id: String },
    /// Take the next step of the escalation ladder (a reason is needed before its time).
    Escalate {
        order_id: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

/// Order ids are `<case id>-<n>`.
fn case_of(order_id: &str) -> Result<String, AppError> {
    order_id
        .rsplit_once('-')
        .filter(|(case, number)| case.starts_with("QG-") && number.parse::<u32>().is_ok())
        .map(|(case, _)| case.to_owned())
        .ok_or_else(|| {
            AppError::not_found(Message::new("cli-order-not-found").with("order", order_id))
        })
}

pub async fn run(session: &Session, command: OrderCommand) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    let procedure = Procedure::new(&store, session.clock.as_ref());
    let actor = session.actor(&store).await?;
    let (case_id, command) = match command {
        OrderCommand::Issue {
            case_id,
            owner,
            urls,
        } => (case_id, Command::IssueOrders { owner, urls }),
        OrderCommand::Delivered {
            order_id,
            at,
            channel,
        } => {
            let delivered_at = at.as_deref().map(parse_time).transpose()?;
            (
                case_of(&order_id)?,
                Command::RecordDelivery {
                    order_id,
                    delivered_at,
                    channel,
                },
            )
        }
        OrderCommand::Acknowledged { order_id } => {
            (case_of(&order_id)?, Command::Acknowledge { order_id })
        }
        OrderCommand::RemovalReported {
            order_id,
            urls,
            note,
        } => (
            case_of(&order_id)?,
            Command::ReportRemoval {
                order_id,
                removed_urls: urls,
                note,
            },
        ),
        OrderCommand::Verify {
            order_id,
            result,
            note,
        } => {
            let result = match result {
                ResultArg::Removed => VerificationResult::Removed,
                ResultArg::StillPresent => VerificationResult::StillPresent,
                ResultArg::Unreachable => VerificationResult::Unreachable,
            };
            (
                case_of(&order_id)?,
                Command::VerifyRemoval {
                    order_id,
                    result,
                    note,
                },
            )
        }
        OrderCommand::NotComplied { order_id } => (
            case_of(&order_id)?,
            Command::RecordNonCompliance { order_id },
        ),
        OrderCommand::Escalate { order_id, reason } => (
            case_of(&order_id)?,
            Command::Escalate {
                order_id,
                early_reason: reason,
            },
        ),
    };
    let (events, state) = procedure.run(&case_id, &actor, command).await?;
    print!(
        "{}",
        output::recorded(session, &procedure, &case_id, &events, &state)?
    );
    Ok(exit::OK)
}
