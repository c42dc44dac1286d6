use clap::Subcommand;
use qorgau_domain::calendar::WorkingCalendar;

use super::parse_date;
use crate::Session;
use crate::error::{AppError, exit};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// DATE plus N Kazakhstan working days, counting from the next day; prints YYYY-MM-DD.
    AddWorkingDays {
        /// The starting date, YYYY-MM-DD (e.g. the day an application was received).
        date: String,
        /// How many working days to add.
        days: u32,
    },
    /// Prints `true` when DATE is a working day of the five-day week, else `false`.
    IsWorkingDay {
        /// YYYY-MM-DD
        date: String,
    },
}

pub fn run(_session: &Session, command: CalendarCommand) -> Result<u8, AppError> {
    let calendar = WorkingCalendar::embedded();
    match command {
        CalendarCommand::AddWorkingDays { date, days } => {
            let result = calendar.add_working_days(parse_date(&date)?, days)?;
            println!("{result}");
        }
        CalendarCommand::IsWorkingDay { date } => {
            println!("{}", calendar.is_working_day(parse_date(&date)?)?);
        }
    }
    Ok(exit::OK)
}
