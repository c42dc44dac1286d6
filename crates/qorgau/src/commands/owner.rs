use clap::Subcommand;
use qorgau_app::credentials::{new_token, secret_hash};
use qorgau_domain::message::Explain;
use qorgau_domain::message::Message;
use qorgau_domain::validation::email::EmailAddress;
use qorgau_store::{Deliveries, ResourceOwner, Store};

use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum OwnerCommand {
    /// Register the owner (or legal representative) of Internet resources and
    /// print its API key, once.
    Add {
        /// The key orders are addressed to: the platform (`telegram`, `instagram`, …)
        /// or the website's host (`example.kz`).
        name: String,
        /// The organisation's name as it appears on orders.
        #[arg(long)]
        display_name: String,
        /// A host name of its resources (repeatable), e.g. `t.me`.
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// Where orders are e-mailed (with the PDF), besides the portal and a webhook.
        #[arg(long)]
        email: Option<String>,
    },
    /// List resource owners.
    List,
}

pub async fn run(session: &Session, command: OwnerCommand) -> Result<u8, AppError> {
    let store = session.open_store().await?;
    match command {
        OwnerCommand::Add {
            name,
            display_name,
            domains,
            email,
        } => {
            let email = email.as_deref().map(parse_email).transpose()?;
            let api_key = new_token("qgk").map_err(|error| AppError::Explained {
                message: Message::new("cli-store-error").with("detail", error.to_string()),
                exit_code: exit::STORE,
            })?;
            let owner = ResourceOwner {
                name: name.trim().to_lowercase(),
                display_name: display_name.trim().to_owned(),
                api_key_hash: secret_hash(&api_key),
                domains: domains
                    .iter()
                    .map(|domain| domain.trim().to_lowercase())
                    .collect(),
            };
            store.add_owner(&owner, session.clock.now()).await?;
            if let Some(email) = &email {
                store.set_owner_email(&owner.name, Some(email)).await?;
            }
            println!(
                "{}",
                session.say(
                    &Message::new("cli-owner-added")
                        .with("owner", owner.name)
                        .with("key", api_key)
                )
            );
        }
        OwnerCommand::List => {
            for owner in store.list_owners().await? {
                println!(
                    "{}\t{}\t{}",
                    owner.name,
                    owner.display_name,
                    owner.domains.join(",")
                );
            }
        }
    }
    Ok(exit::OK)
}

/// An e-mail address given on the command line, checked like the forms' ones.
pub fn parse_email(text: &str) -> Result<String, AppError> {
    EmailAddress::parse(text)
        .map(String::from)
        .map_err(|error| AppError::bad_input(error.explain()))
}
