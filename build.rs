// Embedded migrations, templates and static files: rebuild when they change.
fn main() {
    for dir in ["migrations", "templates", "static", "src/locales"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
