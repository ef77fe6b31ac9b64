//! `config show`: the settings in effect and where each came from (a flag, an environment
//! variable, a profile of the config file, or the default); the secret is never shown.

use clap::Subcommand;
use serde_json::json;
use vonage_account::{DEFAULT_API_URL, DEFAULT_REST_URL, DEFAULT_TIMEOUT};

use crate::{
    output::{Failure, Output, shown},
    profiles::{Context, Setting, config_path},
};

/// The `config` commands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the settings in effect and where each came from (the secret redacted)
    Show,
}

/// Runs `config show`.
pub fn run(command: &ConfigCommand, ctx: &Context, out: Output) -> Result<(), Failure> {
    let ConfigCommand::Show = command;
    let effective = ctx.effective()?;
    // Each setting: the value shown (never the secret) and where it came from.
    let from = |origin: Option<String>, value: Option<String>, default: Option<String>| match (
        value, default,
    ) {
        (Some(value), _) => (Some(value), origin.unwrap_or_default()),
        (None, Some(default)) => (Some(default), "default".to_owned()),
        (None, None) => (None, String::new()),
    };
    let text = |s: &Option<Setting<String>>| {
        from(
            s.as_ref().map(|s| s.origin.to_string()),
            s.as_ref().map(|s| s.value.clone()),
            None,
        )
    };
    let url = |s: &Option<Setting<String>>, default: &str| {
        from(
            s.as_ref().map(|s| s.origin.to_string()),
            s.as_ref().map(|s| s.value.clone()),
            Some(default.to_owned()),
        )
    };
    let secret = effective.api_secret.as_ref();
    let timeout = effective.timeout.as_ref();
    let ca = effective.ca_file.as_ref();
    let rows = [
        ("api_key", text(&effective.api_key)),
        (
            "api_secret",
            from(
                secret.map(|s| match &s.file {
                    Some(file) => format!("{} ({})", s.origin, file.display()),
                    None => s.origin.to_string(),
                }),
                secret.map(|_| "(set, not shown)".to_owned()),
                None,
            ),
        ),
        ("api_secret_id", text(&effective.api_secret_id)),
        ("rest_url", url(&effective.rest_url, DEFAULT_REST_URL)),
        ("api_url", url(&effective.api_url, DEFAULT_API_URL)),
        (
            "timeout",
            from(
                timeout.map(|s| s.origin.to_string()),
                timeout.map(|s| format!("{}s", s.value.as_secs_f64())),
                Some(format!("{}s", DEFAULT_TIMEOUT.as_secs_f64())),
            ),
        ),
        (
            "ca_file",
            from(
                ca.map(|s| s.origin.to_string()),
                ca.map(|s| s.value.display().to_string()),
                None,
            ),
        ),
    ];
    let profile = &effective.profile;
    let file = profile
        .config_file
        .clone()
        .or_else(|| config_path().map(|(p, _)| p));
    if out.json {
        let mut settings = serde_json::Map::new();
        for (name, (value, from)) in &rows {
            settings.insert(
                (*name).to_owned(),
                json!({"value": value, "from": (!from.is_empty()).then_some(from)}),
            );
        }
        return out.print_json(&json!({
            "profile": profile.name,
            "profile_found": profile.found,
            "profile_chosen_by": profile.chosen_by,
            "config_file": file.map(|f| f.display().to_string()),
            "settings": settings,
        }));
    }
    let file = file.map_or_else(
        || "(none: set HOME or XDG_CONFIG_HOME)".to_owned(),
        |f| f.display().to_string(),
    );
    out.line(format_args!("Config file:   {}", shown(&file)));
    out.line(format_args!(
        "Profile:       {} ({}{})",
        shown(&profile.name),
        if profile.found {
            "found"
        } else {
            "not in the file"
        },
        profile
            .chosen_by
            .map(|by| format!(", chosen by {by}"))
            .unwrap_or_default()
    ));
    for (name, (value, from)) in &rows {
        match value {
            Some(value) => out.line(format_args!(
                "{name:<14} {:<40} from {}",
                shown(value),
                shown(from)
            )),
            None => out.line(format_args!("{name:<14} (not set)")),
        }
    }
    Ok(())
}
