//! Generates the typed HTTP clients from the hand-written OpenAPI specs in `openapi/`.
//!
//! Each spec becomes one module in `OUT_DIR` (`account.rs`, `secrets.rs`) that `src/generated.rs`
//! includes. Nothing generated is committed: editing a spec and running `cargo build` regenerates it.

use std::{env, fs, path::Path, process::ExitCode};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TypeImpl};

/// The specs and the module each becomes.
const SPECS: &[(&str, &str)] = &[
    ("openapi/account.yaml", "account.rs"),
    ("openapi/secrets.yaml", "secrets.rs"),
];

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut failed = false;
    for (spec, module) in SPECS {
        // Printed before anything can fail, so a broken spec is re-read once it is fixed.
        println!("cargo:rerun-if-changed={spec}");
        if let Err(reason) = generate(spec, &Path::new(&out_dir).join(module)) {
            println!("cargo:warning={spec}: {reason}");
            eprintln!("error: {spec}: {reason}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Parses one spec and writes its generated client to `out`.
fn generate(spec: &str, out: &Path) -> Result<(), String> {
    let text = fs::read_to_string(spec).map_err(|e| format!("cannot read the spec: {e}"))?;
    // serde-saphyr rejects duplicate mapping keys, which other YAML parsers silently merge.
    let api: openapiv3::OpenAPI = serde_saphyr::from_str(&text)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        // The facade's transport (auth, retries, limits) rides along as the client's inner value.
        .with_inner_type(syn::parse_str("crate::transport::Transport").expect("a valid path"))
        .with_derive("PartialEq")
        // JSON numbers for money keep every decimal the API sent.
        .with_replacement("Amount", "crate::Amount", [TypeImpl::Display].into_iter());

    // progenitor panics on some spec patterns (for example two success types for one operation):
    // turn that into a readable build error naming the spec.
    let generated = std::panic::catch_unwind(move || {
        Generator::new(&settings)
            .generate_tokens(&api)
            .map_err(|e| format!("progenitor rejected it: {e}"))
    })
    .map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        format!("progenitor panicked while generating: {msg}")
    })??;

    let file: syn::File =
        syn::parse2(generated).map_err(|e| format!("generated code does not parse: {e}"))?;
    let code = prettyplease::unparse(&file);
    fs::write(out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))
}
