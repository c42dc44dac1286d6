# Maintenance of a whole store: migrations, export and import (crates/qorgau/src/commands/maintenance.rs).

store-migrated = Applied { $count ->
    [one] one migration
   *[other] { $count } migrations
} to { $store }: { $migrations }.
store-migrations-current = { $store } is up to date: no migration to apply.
store-exported = Exported { $events } events of { $cases } cases, { $staff } staff members and { $owners } resource owners to { $path } (chain head { $head }).
store-imported = Imported { $events } events of { $cases } cases, { $staff } staff members and { $owners } resource owners into { $store }; the chain verifies (head { $head }).
store-export-exists = { $path } already exists: an export never overwrites a file, choose a new name.
store-file-error = Cannot use the file { $path }: { $detail }
store-archive-invalid = { $path } is not a complete Qorgau archive (line { $line }): { $detail }. Nothing was imported.
store-archive-broken = The archive’s case record is broken at sequence number { $seq } ({ $fault }). Nothing was imported.
store-import-not-empty = { $store } already holds a case record, staff or resource owners. An archive is imported only into an empty store: run `qorgau init` on a new data folder or database, then import.
