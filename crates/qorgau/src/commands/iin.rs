use clap::Subcommand;
use qorgau_domain::message::{Explain, Language};
use qorgau_domain::validation::iin::Iin;
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
    let (report, code) = match Iin::parse(&iin) {
        Ok(parsed) => (
            serde_json::json!({
                "valid": true,
                "birth_date": parsed.birth_date().to_string(),
                "sex": parsed.sex(),
                "error": null,
            }),
            exit::OK,
        ),
        Err(error) => (
            serde_json::json!({
                "valid": false,
                "birth_date": null,
                "sex": null,
                "error": Localizer::embedded().render(language, &error.explain()),
                "code": error.code(),
            }),
            exit::FAILED_CHECK,
        ),
    };
    println!("{report}");
    Ok(code)
}
