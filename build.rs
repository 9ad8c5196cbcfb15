//! `sqlx::migrate!` embeds the migration files when the crate compiles; a migration added without a
//! change to Rust code must still rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
