//! vonage-account with its default features (`rustls`): nothing to do for the application.

#[path = "../app.rs"]
mod app;

fn main() {
    app::run("host-app-default", "Rustls");
}
