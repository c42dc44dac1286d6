use clap::Subcommand;
use qorgau_domain::message::Message;
use qorgau_domain::procedure::CasePhase;
use qorgau_store::Store;

use crate::Session;
use crate::error::{AppError, exit};
use crate::output;

#[derive(Debug, Subcommand)]
pub enum CasesCommand {
    /// List cases, optionally in one state (received, refused, registered, under_review,
    /// not_confirmed, confirmed, closed).
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The deadline board: every pending deadline, overdue first, with working days
    /// (or hours) left, in Almaty time.
    Due {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(session: &Session, command: CasesCommand) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    match command {
        CasesCommand::List { state, json } => {
            let phase = match state.as_deref() {
                None => None,
                Some(text) => Some(CasePhase::parse(text).ok_or_else(|| {
                    AppError::bad_input(Message::new("cli-unknown-state").with("value", text))
                })?),
            };
            let cases = store.list_cases(phase).await?;
            print!("{}", output::case_list(session, &cases, json));
        }
        CasesCommand::Due { json } => {
            let rows = store.deadlines().await?;
            print!("{}", output::board(session, &rows, json));
        }
    }
    Ok(exit::OK)
}
