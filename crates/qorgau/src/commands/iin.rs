use clap::Subcommand;
use qorgau_domain::message::{Explain, Language};
use qorgau_domain::validation::iin::{Iin, IinCheck};
use qorgau_i18n::Localizer;

use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum IinCommand {
    /// Validates an IIN; prints {"valid","birth_date","sex","error"}; exit 0 valid, 1 invalid.
    Check {
        /// The 12-digit individual identification number.
        iin: String,
    },
}

pub fn run(command: IinCommand, language: Language) -> Result<u8, AppError> {
    let IinCommand::Check { iin } = command;
    let check = IinCheck::of(&iin);
    let mut report = serde_json::to_value(&check).unwrap_or_default();
    // API.md: `error` is text for the reader, in the chosen language.
    if let Err(error) = Iin::parse(&iin) {
        report["error"] = Localizer::embedded()
            .render(language, &error.explain())
            .into();
    }
    println!("{report}");
    Ok(if check.valid {
        exit::OK
    } else {
        exit::FAILED_CHECK
    })
}
