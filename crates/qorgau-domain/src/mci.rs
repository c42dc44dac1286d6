//! The monthly calculation index (MCI): the unit fines are set in. Values
//! per period from `data/mci.toml`, each with the budget law that fixed it.

use std::sync::OnceLock;

use jiff::civil::Date;
use serde::Deserialize;

static MCI_FILE: &str = include_str!("../../../data/mci.toml");

/// One MCI value and the period it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MciValue {
    pub from: Date,
    pub tenge: u32,
    pub source: String,
    /// The last day the value is known to apply (the budget law's year);
    /// absent: until the next entry.
    #[serde(default)]
    pub until: Option<Date>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MciFile {
    value: Vec<MciValue>,
}

/// The MCI table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MciTable {
    values: Vec<MciValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MciDataError {
    #[error("data/mci.toml: {0}")]
    Syntax(String),
    #[error("data/mci.toml: the value from {0} does not follow the one before it")]
    Unordered(Date),
}

impl MciTable {
    /// The table compiled into Qorgau (checked by the tests).
    pub fn embedded() -> &'static MciTable {
        static TABLE: OnceLock<MciTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            // The embedded file is tested; an error here is a build defect,
            // and an empty table answers "unknown" for every day.
            MciTable::parse(MCI_FILE).unwrap_or(MciTable { values: Vec::new() })
        })
    }

    pub fn parse(text: &str) -> Result<MciTable, MciDataError> {
        let file: MciFile =
            toml::from_str(text).map_err(|error| MciDataError::Syntax(error.to_string()))?;
        for pair in file.value.windows(2) {
            if pair[1].from <= pair[0].from {
                return Err(MciDataError::Unordered(pair[1].from));
            }
        }
        Ok(MciTable { values: file.value })
    }

    /// The MCI in force on `day`, when it is known.
    pub fn on(&self, day: Date) -> Option<&MciValue> {
        let value = self.values.iter().rev().find(|value| value.from <= day)?;
        match value.until {
            Some(until) if day > until => None,
            _ => Some(value),
        }
    }

    /// A fine of `mci` indices in tenge on `day`, when the MCI is known.
    pub fn fine_in_tenge(&self, mci: u32, day: Date) -> Option<u64> {
        self.on(day)
            .map(|value| u64::from(mci) * u64::from(value.tenge))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_embedded_table_parses_and_every_value_names_its_law() {
        let table = MciTable::parse(MCI_FILE).unwrap();
        assert!(table.values.len() >= 12);
        assert!(
            table
                .values
                .iter()
                .all(|value| value.source.contains("budget"))
        );
    }

    #[test]
    fn the_value_in_force_follows_mid_year_amendments() {
        let table = MciTable::embedded();
        assert_eq!(table.on(date(2020, 3, 31)).unwrap().tenge, 2651);
        assert_eq!(table.on(date(2020, 4, 1)).unwrap().tenge, 2778);
        assert_eq!(table.on(date(2026, 11, 29)).unwrap().tenge, 4325);
        assert_eq!(table.fine_in_tenge(100, date(2026, 6, 1)), Some(432_500));
    }

    #[test]
    fn days_outside_the_known_laws_have_no_value() {
        let table = MciTable::embedded();
        assert_eq!(table.on(date(2014, 12, 31)), None);
        assert_eq!(table.on(date(2027, 1, 1)), None);
        assert_eq!(table.fine_in_tenge(100, date(2027, 1, 1)), None);
    }

    #[test]
    fn values_out_of_order_are_refused() {
        let text = "[[value]]\nfrom = \"2020-01-01\"\ntenge = 1\nsource = \"a\"\n\
                    [[value]]\nfrom = \"2019-01-01\"\ntenge = 2\nsource = \"b\"\n";
        assert_eq!(
            MciTable::parse(text),
            Err(MciDataError::Unordered(date(2019, 1, 1)))
        );
    }
}
