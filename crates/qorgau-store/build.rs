//! `sqlx::migrate!` embeds the migration folders at compile time; without
//! this, a new migration file does not make Cargo rebuild the crate, and a
//! binary built from a warm cache silently lacks it.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
