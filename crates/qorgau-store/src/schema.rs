//! Which migrations a database has, compared with the ones this build carries.
//!
//! Both stores record applied migrations in sqlx's `_sqlx_migrations` table.
//! A database that has a migration this build does not know was written by a
//! newer Qorgau: opening it is refused, because this build would misread it.
//! A database that lacks one of this build's migrations is behind: the
//! embedded store applies it on open (a pilot has one process), PostgreSQL
//! refuses until an operator runs `qorgau migrate` — several instances share
//! that database and a schema change is a deliberate, single step.

use std::collections::BTreeMap;
use std::fmt;

use sqlx::migrate::Migrator;

use crate::StoreError;

/// One migration, named as its file is: `0001_case_record`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationName {
    pub version: i64,
    pub description: String,
}

impl fmt::Display for MigrationName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{:04}_{}",
            self.version,
            self.description.replace(' ', "_")
        )
    }
}

/// A row of `_sqlx_migrations`.
pub(crate) struct AppliedMigration {
    pub version: i64,
    pub description: String,
    pub success: bool,
    pub checksum: Vec<u8>,
}

/// Compares what the database has with what this build knows; returns the
/// migrations still to apply, in order, or why the database must not be used.
pub(crate) fn pending(
    known: &Migrator,
    applied: &[AppliedMigration],
) -> Result<Vec<MigrationName>, StoreError> {
    let known_by_version: BTreeMap<i64, &sqlx::migrate::Migration> = known
        .iter()
        .filter(|migration| !migration.migration_type.is_down_migration())
        .map(|migration| (migration.version, migration))
        .collect();
    for row in applied {
        let name = MigrationName {
            version: row.version,
            description: row.description.clone(),
        };
        let Some(migration) = known_by_version.get(&row.version) else {
            let newest = known_by_version
                .values()
                .next_back()
                .map(|migration| name_of(migration).to_string())
                .unwrap_or_default();
            return Err(StoreError::Schema(format!(
                "the database has migration {name}, which this Qorgau does not know \
                 (it knows up to {newest}): it was written by a newer Qorgau; \
                 run that version or a later one"
            )));
        };
        if !row.success {
            return Err(StoreError::Schema(format!(
                "migration {name} did not finish; restore the database from a backup"
            )));
        }
        if migration.checksum.as_ref() != row.checksum.as_slice() {
            return Err(StoreError::Schema(format!(
                "migration {name} in the database differs from this Qorgau's; \
                 the database was migrated by a different build"
            )));
        }
    }
    Ok(known_by_version
        .values()
        .filter(|migration| !applied.iter().any(|row| row.version == migration.version))
        .map(|migration| name_of(migration))
        .collect())
}

fn name_of(migration: &sqlx::migrate::Migration) -> MigrationName {
    MigrationName {
        version: migration.version,
        description: migration.description.to_string(),
    }
}

/// The refusal of a PostgreSQL database that is behind this build.
pub(crate) fn behind(pending: &[MigrationName], location: &str) -> StoreError {
    let names: Vec<String> = pending.iter().map(ToString::to_string).collect();
    let what = if names.len() == 1 {
        "migration"
    } else {
        "migrations"
    };
    StoreError::Schema(format!(
        "{location} lacks {what} {}; run `qorgau migrate` with the same \
         --database-url (stop other instances first if they run an older Qorgau)",
        names.join(", ")
    ))
}
