use clap::{Subcommand, ValueEnum};
use qorgau_app::credentials::{hash_password, new_password};
use qorgau_domain::message::Message;
use qorgau_store::{Deliveries, StaffMember, StaffRole, Store};

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Coordinator,
    Expert,
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a coordinator or a member of the expert group.
    Add {
        /// The login name, e.g. `a.nurlanova`.
        username: String,
        /// The full name as it appears on documents.
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The chair (or deputy chair) of the expert group: may extend consideration
        /// and has the casting vote.
        #[arg(long)]
        chair: bool,
        /// Where reminders of approaching deadlines are e-mailed.
        #[arg(long)]
        email: Option<String>,
    },
    /// List the staff.
    List,
    /// Give a staff member a new random password for signing in to the web
    /// service; it is printed once and stored only as an Argon2id hash.
    SetPassword { username: String },
}

pub async fn run(session: &Session, command: StaffCommand) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    match command {
        StaffCommand::Add {
            username,
            name,
            role,
            chair,
            email,
        } => {
            let email = email
                .as_deref()
                .map(crate::commands::owner::parse_email)
                .transpose()?;
            let role = match role {
                RoleArg::Coordinator => StaffRole::Coordinator,
                RoleArg::Expert => StaffRole::Expert,
            };
            if chair && role != StaffRole::Expert {
                return Err(AppError::bad_input(Message::new("cli-chair-is-expert")));
            }
            let username = username.trim().to_owned();
            if username.is_empty() || username.chars().any(char::is_whitespace) {
                return Err(AppError::bad_input(Message::new("cli-bad-username")));
            }
            let member = StaffMember {
                username: username.clone(),
                display_name: name.trim().to_owned(),
                role,
                chair,
                active: true,
            };
            store.add_staff(&member, session.clock.now()).await?;
            if let Some(email) = &email {
                store.set_staff_email(&member.username, Some(email)).await?;
            }
            println!(
                "{}",
                session.say(&Message::new("cli-staff-added").with("user", username))
            );
        }
        StaffCommand::List => {
            for member in store.list_staff().await? {
                println!(
                    "{}\t{}\t{}{}",
                    member.username,
                    member.role.as_str(),
                    member.display_name,
                    if member.chair {
                        format!("\t{}", session.say(&Message::new("cli-chair-marker")))
                    } else {
                        String::new()
                    }
                );
            }
        }
        StaffCommand::SetPassword { username } => {
            let password = new_password().map_err(randomness)?;
            store
                .set_staff_password(&username, &hash_password(&password).map_err(randomness)?)
                .await?;
            println!(
                "{}",
                session.say(
                    &Message::new("cli-password-set")
                        .with("user", username)
                        .with("password", password)
                )
            );
        }
    }
    Ok(exit::OK)
}

fn randomness(error: impl std::fmt::Display) -> AppError {
    AppError::Explained {
        message: Message::new("cli-store-error").with("detail", error.to_string()),
        exit_code: exit::STORE,
    }
}
