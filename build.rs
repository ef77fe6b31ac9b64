//! Generates the typed HTTP clients from the hand-written OpenAPI specs in `openapi/`.
//!
//! Each spec becomes one module in `OUT_DIR` (`account.rs`, `secrets.rs`) that `src/generated.rs`
//! includes. Nothing generated is committed: editing a spec and running `cargo build` regenerates
//! it. `tests/codegen.rs` includes this file to test [`generate_code`] directly.

use std::{env, fs, path::Path, process::ExitCode};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TypeImpl};

/// The specs and the module each becomes.
pub const SPECS: &[(&str, &str)] = &[
    ("openapi/account.yaml", "account.rs"),
    ("openapi/secrets.yaml", "secrets.rs"),
];

#[allow(dead_code)] // Unused when tests/codegen.rs includes this file.
fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut failed = false;
    for (spec, module) in SPECS {
        // Printed before anything can fail, so a broken spec is re-read once it is fixed.
        println!("cargo:rerun-if-changed={spec}");
        let written = fs::read_to_string(spec)
            .map_err(|e| format!("cannot read the spec: {e}"))
            .and_then(|text| generate_code(&text))
            .and_then(|code| {
                let out = Path::new(&out_dir).join(module);
                fs::write(&out, code).map_err(|e| format!("cannot write {}: {e}", out.display()))
            });
        if let Err(reason) = written {
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

/// Turns one spec's YAML text into the generated client's Rust source, or says why not.
pub fn generate_code(text: &str) -> Result<String, String> {
    // serde-saphyr rejects duplicate mapping keys, which other YAML parsers silently merge.
    let api: openapiv3::OpenAPI = serde_saphyr::from_str(text)
        .map_err(|e| format!("not a valid OpenAPI 3.0 document: {e}"))?;
    if !api.openapi.starts_with("3.0.") {
        return Err(format!(
            "openapi {:?}: progenitor reads 3.0.x only",
            api.openapi
        ));
    }

    check_rules(&api)?;

    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        // The facade's transport (auth, retries, limits) rides along as the client's inner value.
        .with_inner_type(syn::parse_str("crate::transport::Transport").expect("a valid path"))
        .with_derive("PartialEq")
        // JSON numbers for money keep every decimal the API sent.
        .with_replacement("Amount", "crate::Amount", [TypeImpl::Display].into_iter());

    // progenitor panics on some spec patterns (two success types for one operation, say): turn
    // that into an error naming the cause, without the default hook's backtrace noise.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let generated =
        std::panic::catch_unwind(move || Generator::new(&settings).generate_tokens(&api));
    std::panic::set_hook(hook);
    let tokens = generated
        .map_err(|panic| {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            format!("progenitor panicked while generating (see the spec rules in progenitor-notes): {message}")
        })?
        .map_err(|e| format!("progenitor rejected it: {e}"))?;

    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut DropApiVersionHeader, &mut file);
    Ok(prettyplease::unparse(&file))
}

/// Removes the `api-version` header progenitor adds to every request (Vonage does not use it),
/// so it is never built, sent, or removed again at run time.
struct DropApiVersionHeader;

impl syn::visit_mut::VisitMut for DropApiVersionHeader {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| {
            let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
                return true;
            };
            // `header_map.append(HeaderName::from_static("api-version"), ...)`
            let names_api_version = matches!(
                call.args.first(),
                Some(syn::Expr::Call(name)) if matches!(
                    name.args.first(),
                    Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == "api-version"
                )
            );
            !(call.method == "append" && names_api_version)
        });
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// The spec rules that keep progenitor from panicking or silently merging types: every body and
/// response schema is a named `$ref`, one 2xx per operation, no `default` response.
fn check_rules(api: &openapiv3::OpenAPI) -> Result<(), String> {
    use openapiv3::ReferenceOr;
    let mut problems = Vec::new();
    let named = |content: &indexmap::IndexMap<String, openapiv3::MediaType>| {
        content
            .values()
            .all(|media| matches!(media.schema, None | Some(ReferenceOr::Reference { .. })))
    };
    for (path, method, op) in api.operations() {
        let id = op.operation_id.as_deref().unwrap_or("(no operationId)");
        let where_ = format!("{} {path} ({id})", method.to_uppercase());
        if let Some(ReferenceOr::Item(body)) = &op.request_body
            && !named(&body.content)
        {
            problems.push(format!("{where_}: the request body schema must be a $ref"));
        }
        if op.responses.default.is_some() {
            problems.push(format!(
                "{where_}: no `default` response (it counts as success and error)"
            ));
        }
        let mut successes = 0;
        for (status, response) in &op.responses.responses {
            if matches!(status, openapiv3::StatusCode::Code(200..=299)) {
                successes += 1;
            }
            let response = match response {
                ReferenceOr::Item(r) => Some(r),
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|name| api.components.as_ref()?.responses.get(name))
                    .and_then(|r| r.as_item()),
            };
            if response.is_some_and(|r| !named(&r.content)) {
                problems.push(format!(
                    "{where_}: the {status} response schema must be a $ref"
                ));
            }
        }
        if successes != 1 {
            problems.push(format!(
                "{where_}: exactly one 2xx response, not {successes}"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("spec rules broken: {}", problems.join("; ")))
    }
}
