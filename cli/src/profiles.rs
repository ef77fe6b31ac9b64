//! Where the credentials and connection settings come from, and the client made from them.
//!
//! Each setting is taken from the first of: its command-line flag, its environment variable, the
//! chosen profile of the config file. The config file is `VONAGE_CONFIG`, or
//! `$XDG_CONFIG_HOME/vonage-account/config.toml` (by default `~/.config/vonage-account/`), with
//! one table per profile:
//!
//! ```toml
//! [profiles.default]
//! api_key = "abcd1234"
//! api_secret_file = "~/.config/vonage-account/production.secret"
//! api_secret_id = "ad6dc56f-07b5-46e1-a527-85530e625800"
//!
//! [profiles.staging]
//! api_key = "efgh5678"
//! api_secret = "Abcdef123456"   # the file must then be owner-only (chmod 600)
//! rest_url = "https://rest.nexmo.com"
//! timeout = "10s"
//! ```
//!
//! `--profile NAME` / `VONAGE_PROFILE` chooses one; otherwise `default` is used if it exists.

use std::{
    collections::BTreeMap,
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

use serde::Deserialize;
use vonage_account::{Client, Error, SecretString};

use crate::{
    files,
    global::{Global, Typed, parse_duration},
    output::Failure,
};

/// The config file: named profiles.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One `[profiles.NAME]` table. Not `Debug`: it may hold a secret.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Profile {
    api_key: Option<String>,
    api_secret: Option<String>,
    api_secret_file: Option<PathBuf>,
    api_secret_id: Option<String>,
    rest_url: Option<String>,
    api_url: Option<String>,
    timeout: Option<TimeoutValue>,
    ca_file: Option<PathBuf>,
}

/// `timeout = 30` or `timeout = "500ms"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum TimeoutValue {
    Seconds(u64),
    Text(String),
}

impl Drop for Profile {
    fn drop(&mut self) {
        if let Some(secret) = &mut self.api_secret {
            zeroize::Zeroize::zeroize(secret);
        }
    }
}

/// Where one setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A flag on the command line (`--api-key`).
    Flag(&'static str),
    /// An environment variable (`VONAGE_API_KEY`).
    Env(&'static str),
    /// A field of a profile in the config file.
    Profile {
        /// The profile.
        name: String,
        /// The field (`api_key`).
        field: &'static str,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => f.write_str(flag),
            Origin::Env(var) => f.write_str(var),
            Origin::Profile { name, field } => write!(f, "{field} of profile {name}"),
        }
    }
}

/// One setting and where it came from; for the secret, also the file it was read from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub origin: Origin,
    /// The file the value was read from (`--api-secret-file`, `api_secret_file`).
    pub file: Option<PathBuf>,
}

impl<T> Setting<T> {
    /// A value and where it came from.
    pub fn new(value: T, origin: Origin) -> Setting<T> {
        Setting {
            value,
            origin,
            file: None,
        }
    }
}

/// The profile used, and the config file it is in.
#[derive(Debug, Clone)]
pub struct ProfileUse {
    /// The profile's name (`default` unless one was chosen).
    pub name: String,
    /// How it was chosen: `--profile`, `VONAGE_PROFILE`, or `None` for the default.
    pub chosen_by: Option<&'static str>,
    /// The config file looked at.
    pub config_file: Option<PathBuf>,
    /// Whether the file exists and has that profile.
    pub found: bool,
}

/// The settings in effect, each with its origin.
#[derive(Debug, Clone)]
pub struct Effective {
    /// The profile.
    pub profile: ProfileUse,
    /// The API key.
    pub api_key: Option<Setting<String>>,
    /// The API secret.
    pub api_secret: Option<Setting<SecretString>>,
    /// The id of that secret.
    pub api_secret_id: Option<Setting<String>>,
    /// The Account API base URL.
    pub rest_url: Option<Setting<String>>,
    /// The Secret Management API base URL.
    pub api_url: Option<Setting<String>>,
    /// The per-attempt timeout.
    pub timeout: Option<Setting<Duration>>,
    /// An extra certificate authority.
    pub ca_file: Option<Setting<PathBuf>>,
}

/// The config file's path: `VONAGE_CONFIG`, else under the XDG config directory.
pub fn config_path() -> Option<(PathBuf, bool)> {
    match std::env::var_os("VONAGE_CONFIG").filter(|v| !v.is_empty()) {
        Some(path) => Some((PathBuf::from(path), true)),
        None => {
            files::xdg_dir("XDG_CONFIG_HOME", ".config").map(|dir| (dir.join("config.toml"), false))
        }
    }
}

/// Reads and checks the config file; `None` when there is none (and none was asked for).
fn load(path: &Path, named: bool) -> Result<Option<ConfigFile>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => return Ok(None),
        Err(e) => {
            return Err(Failure::Usage(format!(
                "cannot read the config file {}{}: {e}",
                path.display(),
                if named { " (VONAGE_CONFIG)" } else { "" }
            )));
        }
    };
    let config: ConfigFile = toml::from_str(&text).map_err(|e| {
        Failure::Usage(format!(
            "the config file {} is not valid: {}",
            path.display(),
            e.message()
        ))
    })?;
    if let Some(name) = config
        .profiles
        .iter()
        .find_map(|(name, p)| p.api_secret.is_some().then_some(name))
    {
        refuse_if_readable_by_others(path, name)?;
    }
    Ok(Some(config))
}

/// Like ssh with a private key: a config file holding a secret must be the owner's alone.
#[cfg(unix)]
fn refuse_if_readable_by_others(path: &Path, profile: &str) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::Usage(format!(
            "the config file {} holds an API secret (profile {profile}) but can be read by \
             others (mode {:04o}), so it is not used: make it yours alone with chmod 600 {}, or \
             move the secret to a file named by api_secret_file",
            path.display(),
            mode & 0o7777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_if_readable_by_others(_: &Path, _: &str) -> Result<(), Failure> {
    Ok(())
}

/// The first line of `path`, without its line ending.
fn first_line(path: &Path, origin: &Origin) -> Result<SecretString, Failure> {
    let mut text = std::fs::read_to_string(path).map_err(|e| {
        Failure::Usage(format!(
            "cannot read the API secret from {} ({origin}): {e}",
            path.display()
        ))
    })?;
    let line = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches('\r')
        .to_owned();
    zeroize::Zeroize::zeroize(&mut text);
    if line.is_empty() {
        return Err(Failure::Usage(format!(
            "the API secret file {} ({origin}) is empty: its first line is the secret",
            path.display()
        )));
    }
    Ok(SecretString::from(line))
}

/// `~/x` is under the home directory; a relative path in the config file is relative to the
/// file's directory.
fn expand(path: &Path, base: Option<&Path>) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Some(home) = std::env::var_os("HOME")
    {
        return PathBuf::from(home).join(rest);
    }
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path.to_owned(),
    }
}

/// Works out the settings in effect.
pub fn resolve(global: &Global, typed: &Typed) -> Result<Effective, Failure> {
    let chosen_by = global.profile.as_ref().filter(|n| !n.is_empty()).map(|_| {
        if typed.has("profile") {
            "--profile"
        } else {
            "VONAGE_PROFILE"
        }
    });
    let name = global
        .profile
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_owned());
    let path = config_path();
    let config = match &path {
        Some((path, named)) => load(path, *named)?,
        None => None,
    };
    let mut profile_use = ProfileUse {
        name: name.clone(),
        chosen_by,
        config_file: path.as_ref().map(|(p, _)| p.clone()),
        found: false,
    };
    let empty = Profile::default();
    let profile = match config.as_ref().and_then(|c| c.profiles.get(&name)) {
        Some(profile) => {
            profile_use.found = true;
            profile
        }
        None if chosen_by.is_some() => {
            let file = path
                .as_ref()
                .map(|(p, _)| p.display().to_string())
                .unwrap_or_else(|| "(no config file)".into());
            let known: Vec<&str> = config
                .iter()
                .flat_map(|c| c.profiles.keys().map(String::as_str))
                .collect();
            return Err(Failure::Usage(format!(
                "no profile {name} in the config file {file} ({}; chosen by {})",
                if known.is_empty() {
                    "it has none".to_owned()
                } else {
                    format!("it has {}", known.join(", "))
                },
                chosen_by.unwrap_or_default()
            )));
        }
        None => &empty,
    };
    let base = path
        .as_ref()
        .and_then(|(p, _)| p.parent().map(Path::to_owned));
    let from_profile = |field| Origin::Profile {
        name: name.clone(),
        field,
    };
    // A flag or its environment variable (clap merged them; `typed` tells which), else the
    // profile. An empty value counts as not given.
    let pick = |id: &str, flag: &'static str, env: &'static str, given: &Option<String>| {
        given.clone().filter(|v| !v.is_empty()).map(|v| {
            Setting::new(
                v,
                if typed.has(id) {
                    Origin::Flag(flag)
                } else {
                    Origin::Env(env)
                },
            )
        })
    };
    let or_profile = |given: Option<Setting<String>>, field, value: &Option<String>| {
        given.or_else(|| {
            value
                .clone()
                .filter(|v| !v.is_empty())
                .map(|v| Setting::new(v, from_profile(field)))
        })
    };
    let api_key = or_profile(
        pick("api_key", "--api-key", "VONAGE_API_KEY", &global.api_key),
        "api_key",
        &profile.api_key,
    );
    let api_secret_id = or_profile(
        pick(
            "api_secret_id",
            "--api-secret-id",
            "VONAGE_API_SECRET_ID",
            &global.api_secret_id,
        ),
        "api_secret_id",
        &profile.api_secret_id,
    );
    let rest_url = or_profile(
        pick(
            "rest_url",
            "--rest-url",
            "VONAGE_REST_URL",
            &global.rest_url,
        ),
        "rest_url",
        &profile.rest_url,
    );
    let api_url = or_profile(
        pick("api_url", "--api-url", "VONAGE_API_URL", &global.api_url),
        "api_url",
        &profile.api_url,
    );
    let timeout = match global.timeout {
        Some(t) => Some(Setting::new(
            t,
            if typed.has("timeout") {
                Origin::Flag("--timeout")
            } else {
                Origin::Env("VONAGE_TIMEOUT")
            },
        )),
        None => match &profile.timeout {
            None => None,
            Some(value) => {
                let text = match value {
                    TimeoutValue::Seconds(n) => n.to_string(),
                    TimeoutValue::Text(t) => t.clone(),
                };
                let t = parse_duration(&text)
                    .map_err(|e| Failure::Usage(format!("timeout of profile {name}: {e}")))?;
                Some(Setting::new(t, from_profile("timeout")))
            }
        },
    };
    let ca_file = match &global.ca_file {
        Some(path) if !path.as_os_str().is_empty() => Some(Setting::new(
            path.clone(),
            if typed.has("ca_file") {
                Origin::Flag("--ca-file")
            } else {
                Origin::Env("VONAGE_CA_FILE")
            },
        )),
        _ => profile
            .ca_file
            .as_ref()
            .map(|p| Setting::new(expand(p, base.as_deref()), from_profile("ca_file"))),
    };
    let api_secret = secret(global, typed, profile, &name, base.as_deref())?;
    Ok(Effective {
        profile: profile_use,
        api_key,
        api_secret,
        api_secret_id,
        rest_url,
        api_url,
        timeout,
        ca_file,
    })
}

/// The secret: `--api-secret` or `--api-secret-file`, else `VONAGE_API_SECRET` or
/// `VONAGE_API_SECRET_FILE`, else the profile's `api_secret` or `api_secret_file`. Two at one
/// level are refused: which one is meant cannot be told.
fn secret(
    global: &Global,
    typed: &Typed,
    profile: &Profile,
    name: &str,
    base: Option<&Path>,
) -> Result<Option<Setting<SecretString>>, Failure> {
    let value = global.api_secret.clone().filter(|v| !v.is_empty());
    let file = global
        .api_secret_file
        .clone()
        .filter(|p| !p.as_os_str().is_empty());
    let level = |value_typed: bool| if value_typed { 0 } else { 1 };
    let value = value.map(|v| (level(typed.has("api_secret")), v));
    let file = file.map(|f| (level(typed.has("api_secret_file")), f));
    let both = |a: &str, b: &str| {
        Failure::Usage(format!(
            "both {a} and {b} give the API secret: use one of them"
        ))
    };
    match (value, file) {
        (Some((0, _)), Some((0, _))) => Err(both("--api-secret", "--api-secret-file")),
        (Some((1, _)), Some((1, _))) => Err(both("VONAGE_API_SECRET", "VONAGE_API_SECRET_FILE")),
        (Some((lv, v)), Some((lf, _))) if lv < lf => Ok(Some(Setting::new(
            SecretString::from(v),
            Origin::Flag("--api-secret"),
        ))),
        (_, Some((lf, path))) => {
            let origin = if lf == 0 {
                Origin::Flag("--api-secret-file")
            } else {
                Origin::Env("VONAGE_API_SECRET_FILE")
            };
            let value = first_line(&path, &origin)?;
            Ok(Some(Setting {
                value,
                origin,
                file: Some(path),
            }))
        }
        (Some((lv, v)), None) => Ok(Some(Setting::new(
            SecretString::from(v),
            if lv == 0 {
                Origin::Flag("--api-secret")
            } else {
                Origin::Env("VONAGE_API_SECRET")
            },
        ))),
        (None, None) => match (&profile.api_secret, &profile.api_secret_file) {
            (Some(_), Some(_)) => Err(Failure::Usage(format!(
                "profile {name} has both api_secret and api_secret_file: keep one"
            ))),
            (Some(v), None) if !v.is_empty() => Ok(Some(Setting::new(
                SecretString::from(v.clone()),
                Origin::Profile {
                    name: name.to_owned(),
                    field: "api_secret",
                },
            ))),
            (None, Some(path)) => {
                let path = expand(path, base);
                let origin = Origin::Profile {
                    name: name.to_owned(),
                    field: "api_secret_file",
                };
                let value = first_line(&path, &origin)?;
                Ok(Some(Setting {
                    value,
                    origin,
                    file: Some(path),
                }))
            }
            _ => Ok(None),
        },
    }
}

/// What every command runs with: the global options, and which of them were typed.
#[derive(Debug)]
pub struct Context {
    /// The global options (each falls back to its environment variable).
    pub global: Global,
    /// Which were typed on the command line.
    pub typed: Typed,
}

/// The id of the secret this run authenticates with, when it can be told, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InUse {
    /// It is this id; the string says how that is known.
    Known {
        /// The secret's id.
        id: String,
        /// `VONAGE_API_SECRET_ID`, `--api-secret-id`, the profile, or the rotation record.
        how: String,
    },
    /// It cannot be told.
    Unknown,
}

impl Context {
    /// The settings in effect, each with its origin.
    pub fn effective(&self) -> Result<Effective, Failure> {
        resolve(&self.global, &self.typed)
    }

    /// The client from the settings in effect.
    pub fn client(&self) -> Result<Client, Failure> {
        self.effective()?.client(self.global.verbose)
    }
}

impl Effective {
    /// The client these settings describe. Errors name the flag, the environment variable or
    /// the profile field a setting came from, never a library call.
    pub fn client(&self, verbose: bool) -> Result<Client, Failure> {
        let api_key = self.api_key.as_ref().ok_or_else(|| {
            Failure::Usage("the API key is missing: set VONAGE_API_KEY or pass --api-key".into())
        })?;
        let api_secret = self.api_secret.as_ref().ok_or_else(|| {
            Failure::Usage(
                "the API secret is missing: set VONAGE_API_SECRET (preferred) or pass --api-secret \
                 (or --api-secret-file, VONAGE_API_SECRET_FILE, a profile: vonage-account config show)"
                    .into(),
            )
        })?;
        let mut builder = Client::builder()
            .api_key(api_key.value.clone())
            .api_secret(api_secret.value.clone());
        if let Some(id) = &self.api_secret_id {
            builder = builder.api_secret_id(id.value.clone());
        }
        if let Some(url) = &self.rest_url {
            builder = builder.rest_base_url(url.value.clone());
        }
        if let Some(url) = &self.api_url {
            builder = builder.api_base_url(url.value.clone());
        }
        if let Some(timeout) = &self.timeout {
            builder = builder.timeout(timeout.value);
        }
        if let Some(ca) = &self.ca_file {
            let pem = std::fs::read(&ca.value).map_err(|e| {
                Failure::Usage(format!(
                    "cannot read the certificate authority file {} ({}): {e}",
                    ca.value.display(),
                    ca.origin
                ))
            })?;
            builder = builder.add_root_certificate(pem);
        }
        let client = builder.build().map_err(|e| self.in_cli_words(e))?;
        if verbose {
            eprintln!(
                "vonage-account: API key {}, Account API {}, Secret Management API {}",
                client.api_key(),
                self.rest_url
                    .as_ref()
                    .map_or(vonage_account::DEFAULT_REST_URL, |u| u.value.as_str()),
                self.api_url
                    .as_ref()
                    .map_or(vonage_account::DEFAULT_API_URL, |u| u.value.as_str()),
            );
        }
        Ok(client)
    }

    /// A configuration error of the library, reworded to name where the setting came from
    /// (`--rest-url`, `VONAGE_CA_FILE`, a profile's field) instead of the builder call.
    fn in_cli_words(&self, error: Error) -> Failure {
        let Error::Config(message) = &error else {
            return error.into();
        };
        let named = |setting: &Option<Setting<String>>, flag: &str, env: &str| {
            setting
                .as_ref()
                .map_or_else(|| format!("{flag} or {env}"), |s| s.origin.to_string())
        };
        let ca = self.ca_file.as_ref().map_or_else(
            || "--ca-file or VONAGE_CA_FILE".to_owned(),
            |s| format!("{} from {}", s.value.display(), s.origin),
        );
        let mut message = message
            .replace(
                "rest_base_url",
                &format!(
                    "the Account API URL ({})",
                    named(&self.rest_url, "--rest-url", "VONAGE_REST_URL")
                ),
            )
            .replace(
                "api_base_url",
                &format!(
                    "the Secret Management API URL ({})",
                    named(&self.api_url, "--api-url", "VONAGE_API_URL")
                ),
            )
            .replace(
                "(use https, or allow_insecure_http(true))",
                "(use https; plain http is only for a loopback address such as 127.0.0.1)",
            );
        if let Some(at) = message.find("the PEM given to add_root_certificate") {
            let reason = message[at..]
                .split_once(": ")
                .map(|(_, r)| r.to_owned())
                .unwrap_or_default();
            message = format!("the certificate authority file {ca} is not usable: {reason}");
        }
        Failure::Call(Error::Config(message))
    }

    /// The id of the secret in use: the API secret's id from the settings, else what the
    /// rotation record of `secrets rotate --stage` says of the secret in hand.
    pub fn in_use(&self) -> Result<InUse, Failure> {
        if let Some(id) = &self.api_secret_id {
            return Ok(InUse::Known {
                id: id.value.clone(),
                how: id.origin.to_string(),
            });
        }
        let (Some(key), Some(secret)) = (&self.api_key, &self.api_secret) else {
            return Ok(InUse::Unknown);
        };
        let record = crate::state::load(&key.value).map_err(Failure::Usage)?;
        Ok(match record {
            Some((path, record)) => match record.id_of(&secret.value) {
                Some(id) => InUse::Known {
                    id: id.to_owned(),
                    how: format!("the rotation record {}", path.display()),
                },
                None => InUse::Unknown,
            },
            None => InUse::Unknown,
        })
    }
}
