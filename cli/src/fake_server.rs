//! `fake-server`: the crate's fake Vonage server as a standalone process.

use std::{
    io::Write as _,
    net::SocketAddr,
    path::{Path, PathBuf},
};

use clap::Args;
use vonage_account_fake::{FakeError, FakeVonage, Seed, SeedSecret};

use crate::{
    output::{Failure, Output},
    profiles::Context,
};

/// `fake-server` options.
#[derive(Debug, Args)]
#[command(after_help = after_help())]
pub struct FakeServerArgs {
    /// The address to listen on (only this one); port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: SocketAddr,

    /// Start from this seed file (JSON: api_key, secrets, balance, auto_reload, top_up_amount,
    /// settings, sub_accounts, lenient, account_401, top_up_refusal, check_webhooks,
    /// request_log_limit); the flags below override it
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,

    /// The fake account's balance in EUR (decimal, up to 8 decimals)
    #[arg(long, value_name = "EUR")]
    pub balance: Option<String>,

    /// Whether auto-reload is on (top-ups need it): on/off, true/false, yes/no
    #[arg(
        long,
        value_name = "BOOL",
        value_parser = clap::builder::BoolishValueParser::new(),
        hide_possible_values = true
    )]
    pub auto_reload: Option<bool>,

    /// Serve HTTPS with a certificate for 127.0.0.1 and localhost made at start (needs a binary
    /// built with the rustls or rustls-ring feature; the default features have rustls)
    #[arg(long)]
    pub tls: bool,

    /// With --tls: write the certificate to trust (PEM) to FILE before the first line
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub cert_out: Option<PathBuf>,

    /// Accept unknown fields and bodies of another media type (with a warning in the request
    /// log) instead of refusing them
    #[arg(long)]
    pub lenient: bool,

    /// How many requests the request log keeps: the newest N, older ones dropped and counted
    /// [default: 10000, or the seed file's request_log_limit]
    #[arg(long, value_name = "N")]
    pub request_log_limit: Option<usize>,
}

/// The end of `fake-server --help`, with the operations from the crate's operation table.
fn after_help() -> String {
    let operations: Vec<&str> = vonage_account::Operation::ALL
        .iter()
        .map(|op| op.id())
        .collect();
    AFTER_HELP.replace("{operations}", &wrap(&operations.join(", "), 26, 96))
}

/// The help of a global option that `fake-server` uses, in its words; `None` for the options it
/// does not use (hidden from its help).
pub fn own_words(command: &str, option: &str) -> Option<&'static str> {
    if command != "fake-server" {
        return None;
    }
    match option {
        "api_key" => Some(
            "The fake account's API key [default: abcd1234]; only when typed here: VONAGE_API_KEY \
             is not used",
        ),
        "api_secret" => Some(
            "The fake account's (first) secret [default: Abcdef123456]; only when typed here: \
             VONAGE_API_SECRET is not used",
        ),
        "json" => Some(
            "After the first line, the seed as one JSON line ({\"url\", \"seed\", \"certificate\"}; \
             certificate: the PEM to trust with --tls, else null)",
        ),
        _ => None,
    }
}

/// `text` broken at spaces into lines of at most `width` characters, lines after the first
/// indented by `indent` spaces.
fn wrap(text: &str, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + 1 + word.len() > width - indent {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

const AFTER_HELP: &str = "\
The first line on stdout is exactly `listening on http://ADDR:PORT` (`https://` with --tls); the
fake account follows. Both APIs are served at that one URL: point VONAGE_REST_URL and
VONAGE_API_URL (or a client's base URLs) at it.

HTTPS: --tls makes a certificate authority and a certificate for 127.0.0.1, ::1 and localhost at
start; --cert-out FILE writes the authority's PEM to FILE before the first line. Trust it with
REQUESTS_CA_BUNDLE=FILE (Python), NODE_EXTRA_CA_CERTS=FILE (Node), curl --cacert FILE.

The contract: what the published API does not define is refused, naming it: an unknown form or
JSON field (400, with the documented spelling when one is close), a body whose Content-Type is
not the one the operation takes (415; bodiless requests are not judged), a known path with
another method (405 with Allow). --lenient accepts the first two and records a warning. The
request log shows each request's status and warnings.

Seeding: with no --seed the default account is used (key abcd1234, secret Abcdef123456, balance
10.28000000 EUR, auto-reload on, sub-account sub12345 with secret Subsecret123).

With --tls and no --cert-out, the certificate is written to a file in the temporary directory
(removed on stop), and the \"Try:\" line trusts it with VONAGE_CA_FILE.

Control path (on the same URL, no credentials):
  POST   /_fake/faults    queue one fault or a list, e.g.
                          {\"kind\":\"status\",\"status\":500,\"route\":\"topUpAccountBalance\",\"times\":1}
                          kinds: status{status,body,headers,content_type}, delay{millis},
                          truncated-body, not-json, drop-connection, huge-body{bytes},
                          redirect{location}; routes (the operationIds):
                          {operations}
  DELETE /_fake/faults    drop every queued fault
                          rate-limited{retry_after_secs,limit} (the documented 429 headers);
                          \"times\" counts requests, and each retry is one; \"until_cleared\":true
                          answers every matching request until DELETE /_fake/faults
  GET    /_fake/requests  the request log (JSON; with each answer's status and warnings, and
                          intent read or write): the newest --request-log-limit requests, each
                          cut to bounds (truncated: true); header x-fake-requests-dropped counts
                          the older ones let go
  DELETE /_fake/requests  forget the requests received so far
  GET    /_fake/accounts/KEY             an account: balance, settings, secrets, top-ups
  PATCH  /_fake/accounts/KEY             change it, e.g. {\"balance\":\"0.50\",\"auto_reload\":false},
                          {\"secrets\":[{\"secret\":\"Abcdef123456\",\"created_at\":\"2024-01-01T00:00:00Z\"}]}
  PATCH  /_fake/accounts/KEY/secrets/ID  {\"created_at\":\"2024-01-01T00:00:00Z\"}
  POST   /_fake/reset     back to the seed; clears faults and the log

Stops cleanly (exit 0) on SIGINT (Ctrl-C) or SIGTERM.";

/// Serves the fake until SIGINT or SIGTERM. Only a key and secret typed on the command line
/// seed the fake: a real key and secret in the environment must not become the fake's (and be
/// printed by it).
pub async fn run(args: &FakeServerArgs, ctx: &Context, out: Output) -> Result<(), Failure> {
    let api_key = ctx
        .global
        .api_key
        .clone()
        .filter(|_| ctx.typed.has("api_key"));
    let api_secret = ctx
        .global
        .api_secret
        .clone()
        .filter(|_| ctx.typed.has("api_secret"));
    let mut seed = match &args.seed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Usage(format!("cannot read the seed file {}: {e}", path.display()))
            })?;
            serde_json::from_str::<Seed>(&text)
                .map_err(|e| Failure::Usage(format!("invalid seed file {}: {e}", path.display())))?
        }
        None => Seed::default(),
    };
    if let Some(key) = api_key {
        seed.api_key = key;
    }
    if let Some(secret) = api_secret {
        match seed.secrets.first_mut() {
            Some(first) => first.secret = secret,
            None => seed.secrets.push(SeedSecret::new(secret)),
        }
    }
    if let Some(balance) = &args.balance {
        seed.balance = balance.clone();
    }
    if let Some(on) = args.auto_reload {
        seed.auto_reload = on;
    }
    if args.lenient {
        seed.lenient = true;
    }
    if let Some(limit) = args.request_log_limit {
        seed.request_log_limit = limit;
    }

    // Listen for the stop signals before saying we are up, so a signal sent right after the
    // first line is handled rather than killing the process.
    let mut stop =
        StopSignals::new().map_err(|e| Failure::Io(format!("cannot handle signals: {e}")))?;

    let fake = FakeVonage::builder()
        .seed(seed.clone())
        .addr(args.listen)
        .tls(args.tls)
        .start()
        .await
        .map_err(|e| match e {
            // Built without a rustls feature, --tls cannot work: say which features it needs.
            FakeError::Seed(_) | FakeError::TlsUnavailable => Failure::Usage(e.to_string()),
            other => Failure::Io(other.to_string()),
        })?;
    let url = fake.url();
    // The certificate is written before the first line, so whoever waits for that line can
    // trust the file at once; without --cert-out, to a file of its own for the "Try:" line.
    let own_cert = (args.tls && args.cert_out.is_none()).then(|| {
        std::env::temp_dir().join(format!(
            "vonage-account-fake-ca-{}-{}.pem",
            std::process::id(),
            fake.addr().port()
        ))
    });
    let cert_file = args.cert_out.clone().or_else(|| own_cert.clone());
    if let (Some(path), Some(pem)) = (&cert_file, fake.certificate_pem()) {
        std::fs::write(path, pem).map_err(|e| {
            Failure::Io(format!(
                "cannot write the certificate to {}: {e}",
                path.display()
            ))
        })?;
    }
    if !fake.addr().ip().is_loopback() {
        eprintln!(
            "fake-server: warning: listening on {}, which is not a loopback address; anyone who \
             can reach it can use the fake (and read its secrets)",
            fake.addr()
        );
    }

    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "listening on {url}");
    let _ = stdout.flush();
    if out.json {
        let _ = writeln!(
            stdout,
            "{}",
            serde_json::json!({"url": url, "seed": seed, "certificate": fake.certificate_pem()})
        );
    } else {
        let _ = write!(
            stdout,
            "{}",
            describe(&url, &seed, args, cert_file.as_deref())
        );
    }
    let _ = stdout.flush();
    drop(stdout);

    let signal = stop.wait().await;
    fake.shutdown().await;
    if let Some(path) = &own_cert {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("fake-server: stopped on {signal}");
    Ok(())
}

/// The account the fake serves, and how to use it.
fn describe(url: &str, seed: &Seed, args: &FakeServerArgs, cert_file: Option<&Path>) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    let source = match &args.seed {
        Some(path) => format!("seeded from {}", path.display()),
        None => "default seed".to_owned(),
    };
    let _ = writeln!(
        text,
        "Fake Vonage account ({source}; it is a fake, so secrets are shown):"
    );
    let _ = writeln!(text, "  API key:      {}", seed.api_key);
    for secret in &seed.secrets {
        let _ = match &secret.created_at {
            Some(at) => writeln!(text, "  API secret:   {} (created {at})", secret.secret),
            None => writeln!(text, "  API secret:   {}", secret.secret),
        };
    }
    let _ = writeln!(
        text,
        "  balance:      {} EUR, auto-reload {}, a top-up adds {} EUR",
        seed.balance,
        if seed.auto_reload { "on" } else { "off" },
        seed.top_up_amount
    );
    for sub in &seed.sub_accounts {
        let secrets: Vec<&str> = sub.secrets.iter().map(|s| s.secret.as_str()).collect();
        let _ = writeln!(
            text,
            "  sub-account:  {} (secrets {})",
            sub.api_key,
            secrets.join(", ")
        );
    }
    if seed.lenient {
        let _ = writeln!(
            text,
            "Lenient: unknown fields and other media types are accepted, with a warning in the log"
        );
    }
    let secret = seed
        .secrets
        .first()
        .map(|s| s.secret.as_str())
        .unwrap_or_default();
    // Runs as printed: with --tls it trusts the fake's authority besides the system's.
    let trust = cert_file
        .map(|path| format!("VONAGE_CA_FILE={} ", path.display()))
        .unwrap_or_default();
    let _ = writeln!(text, "Try:");
    let _ = writeln!(
        text,
        "  {trust}VONAGE_API_KEY={} VONAGE_API_SECRET={secret} VONAGE_REST_URL={url} VONAGE_API_URL={url} vonage-account balance",
        seed.api_key
    );
    if let Some(path) = cert_file {
        let _ = writeln!(
            text,
            "Certificate to trust: {} (REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, curl --cacert)",
            path.display()
        );
    }
    let _ = writeln!(
        text,
        "Control path: POST/DELETE {url}/_fake/faults, GET {url}/_fake/requests, GET/PATCH {url}/_fake/accounts/KEY, POST {url}/_fake/reset"
    );
    let _ = writeln!(text, "Stop with Ctrl-C or SIGTERM.");
    text
}

/// SIGINT and (on Unix) SIGTERM, registered up front.
struct StopSignals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignals {
    fn new() -> std::io::Result<StopSignals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignals {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignals {})
        }
    }

    /// Waits for the first stop signal and names it.
    async fn wait(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
