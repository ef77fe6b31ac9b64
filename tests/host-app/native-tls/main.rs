//! vonage-account with `native-tls` as its only TLS feature: nothing to do for the application.

#[path = "../app.rs"]
mod app;

fn main() {
    app::run("host-app-native-tls", "NativeTls");
}
