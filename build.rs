//! Generates the typed HTTP clients from the hand-written OpenAPI specs in `openapi/`.
//!
//! Each spec becomes one module in `OUT_DIR` (`account.rs`, `secrets.rs`) that `src/generated.rs`
//! includes, and together they give the operation table (`operations.rs`, included by
//! `src/operation.rs`): every operation's id, method, path, API, retry class (`x-retry`) and
//! request body (media type and field names).
//! Nothing generated is committed: editing a spec and running `cargo build` regenerates it.
//! `tests/it/codegen.rs` includes this file to test it directly.

use std::{env, fs, path::Path, process::ExitCode};

use progenitor::{GenerationSettings, Generator, InterfaceStyle, TypeImpl};

/// One hand-written spec: its file, the module `OUT_DIR` gets for it, and the name of its API in
/// the operation table (`Api::Account`, ...).
pub struct Spec {
    /// The spec's path from the crate root.
    pub path: &'static str,
    /// The file written to `OUT_DIR` and included by `src/generated.rs`.
    pub module: &'static str,
    /// The `Api` variant its operations belong to.
    pub api: &'static str,
}

/// The specs, in the order the operation table lists them.
pub const SPECS: &[Spec] = &[
    Spec {
        path: "openapi/account.yaml",
        module: "account.rs",
        api: "Account",
    },
    Spec {
        path: "openapi/secrets.yaml",
        module: "secrets.rs",
        api: "Secrets",
    },
    Spec {
        path: "openapi/subaccounts.yaml",
        module: "subaccounts.rs",
        api: "Subaccounts",
    },
];

/// The file the operation table is written to, included by `src/operation.rs`.
pub const TABLE: &str = "operations.rs";

#[allow(dead_code)] // Unused when tests/it/codegen.rs includes this file.
fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut failed = false;
    let mut apis = Vec::new();
    for spec in SPECS {
        // Printed before anything can fail, so a broken spec is re-read once it is fixed.
        println!("cargo:rerun-if-changed={}", spec.path);
        let written = fs::read_to_string(spec.path)
            .map_err(|e| format!("cannot read the spec: {e}"))
            .and_then(|text| generate_spec(spec, &text))
            .and_then(|(code, api)| {
                let out = Path::new(&out_dir).join(spec.module);
                fs::write(&out, code)
                    .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
                apis.push(api);
                Ok(())
            });
        if let Err(reason) = written {
            println!("cargo:warning={}: {reason}", spec.path);
            eprintln!("error: {}: {reason}", spec.path);
            failed = true;
        }
    }
    if failed {
        return ExitCode::FAILURE;
    }
    let out = Path::new(&out_dir).join(TABLE);
    if let Err(e) = fs::write(&out, operation_table(&apis)) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// What the operation table needs of one spec.
pub struct ApiRows {
    /// The `Api` variant.
    pub api: &'static str,
    /// The spec's path.
    pub spec: &'static str,
    /// `info.title`.
    pub title: String,
    /// The first `servers` URL.
    pub base_url: String,
    /// Its operations, in spec order.
    pub operations: Vec<OperationRow>,
}

/// One row of the operation table.
pub struct OperationRow {
    /// The spec's `operationId` (`getAccountBalance`).
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template (`/accounts/{api_key}/secrets`).
    pub path: String,
    /// `x-retry`: `Repeatable` or `ConnectOnly`.
    pub retry: &'static str,
    /// The operation's `summary`.
    pub summary: String,
    /// `x-requests-per-second`: the documented rate limit, if any.
    pub requests_per_second: Option<u64>,
    /// `x-max-response-bytes`: a body limit above the client's default, if any.
    pub max_response_bytes: Option<u64>,
    /// What its request body is, if it takes one.
    pub body: Option<BodyRow>,
}

/// The request body of one operation, as the spec describes it.
pub struct BodyRow {
    /// The media type (`application/x-www-form-urlencoded`, `application/json`).
    pub media_type: String,
    /// Whether the spec says the body is required.
    pub required: bool,
    /// The names of the schema's properties, in spec order.
    pub fields: Vec<String>,
}

/// Generates one spec's client and reads its rows of the operation table, or says why not.
pub fn generate_spec(spec: &Spec, text: &str) -> Result<(String, ApiRows), String> {
    let api = parse(text)?;
    let rows = operation_rows(spec, &api)?;
    let code = generate(api)?;
    // The transport finds an operation's retry class by the id progenitor passes to its hooks:
    // make sure that id is the one the table expects.
    for row in &rows.operations {
        let snake = snake_case(&row.id);
        if !code.contains(&format!("operation_id: \"{snake}\"")) {
            return Err(format!(
                "progenitor does not call operation {} {snake:?}; the operation table would not find it",
                row.id
            ));
        }
    }
    Ok((code, rows))
}

/// The spec's operations with their retry class; an operation without `x-retry` is an error
/// naming it.
pub fn operation_rows(spec: &Spec, api: &openapiv3::OpenAPI) -> Result<ApiRows, String> {
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    for (path, method, op) in api.operations() {
        let id = op.operation_id.clone().unwrap_or_default();
        let where_ = format!("operation {id} ({} {path})", method.to_uppercase());
        let retry = match op.extensions.get("x-retry").and_then(|v| v.as_str()) {
            Some("repeatable") => "Repeatable",
            Some("connect-only") => "ConnectOnly",
            Some(other) => {
                problems.push(format!(
                    "{where_}: x-retry {other:?} is neither `repeatable` nor `connect-only`"
                ));
                continue;
            }
            None => {
                problems.push(format!(
                    "{where_} has no `x-retry` (repeatable | connect-only): say whether it may be sent twice"
                ));
                continue;
            }
        };
        if !id.starts_with(|c: char| c.is_ascii_lowercase())
            || !id.chars().all(|c| c.is_ascii_alphanumeric())
        {
            problems.push(format!("{where_}: the operationId must be lowerCamelCase"));
            continue;
        }
        let positive = |name: &str, problems: &mut Vec<String>| match op.extensions.get(name) {
            None => None,
            Some(value) => match value.as_u64().filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    problems.push(format!("{where_}: {name} must be a positive integer"));
                    None
                }
            },
        };
        let requests_per_second = positive("x-requests-per-second", &mut problems);
        let max_response_bytes = positive("x-max-response-bytes", &mut problems);
        let body = match request_body(api, op) {
            Ok(body) => body,
            Err(problem) => {
                problems.push(format!("{where_}: {problem}"));
                continue;
            }
        };
        operations.push(OperationRow {
            id,
            method: method.to_uppercase(),
            path: path.to_owned(),
            retry,
            summary: op.summary.clone().unwrap_or_default(),
            requests_per_second,
            max_response_bytes,
            body,
        });
    }
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    Ok(ApiRows {
        api: spec.api,
        spec: spec.path,
        title: api.info.title.clone(),
        base_url: api
            .servers
            .first()
            .map(|s| s.url.clone())
            .unwrap_or_default(),
        operations,
    })
}

/// The request body of `op`: its one media type, whether it is required, and the properties of
/// its object schema (followed through `$ref`s into `components`). The fake server refuses what
/// this does not list, so an operation whose body it cannot read is an error.
fn request_body(
    api: &openapiv3::OpenAPI,
    op: &openapiv3::Operation,
) -> Result<Option<BodyRow>, String> {
    use openapiv3::{ReferenceOr, SchemaKind, Type};
    let Some(body) = &op.request_body else {
        return Ok(None);
    };
    let body = match body {
        ReferenceOr::Item(body) => body,
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/requestBodies/")
            .and_then(|name| api.components.as_ref()?.request_bodies.get(name))
            .and_then(|b| b.as_item())
            .ok_or_else(|| format!("request body {reference} not found"))?,
    };
    let mut content = body.content.iter();
    let (Some((media_type, media)), None) = (content.next(), content.next()) else {
        return Err("the request body must have exactly one media type".into());
    };
    let mut schema = media
        .schema
        .as_ref()
        .ok_or("the request body has no schema")?;
    // Follow $refs to the object schema (a bounded walk, in case of a cycle).
    for _ in 0..8 {
        let ReferenceOr::Reference { reference } = schema else {
            break;
        };
        schema = reference
            .strip_prefix("#/components/schemas/")
            .and_then(|name| api.components.as_ref()?.schemas.get(name))
            .ok_or_else(|| format!("schema {reference} not found"))?;
    }
    let fields = match schema {
        ReferenceOr::Item(openapiv3::Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) => object.properties.keys().cloned().collect(),
        _ => return Err("the request body's schema must be an object with properties".into()),
    };
    Ok(Some(BodyRow {
        media_type: media_type.clone(),
        required: body.required,
        fields,
    }))
}

/// `getAccountBalance` -> `get_account_balance`, as progenitor names the methods and the ids it
/// passes to the hooks.
pub fn snake_case(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `getAccountBalance` -> `GetAccountBalance`.
fn pascal_case(id: &str) -> String {
    let mut chars = id.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The Rust source of the operation table: `Api` and `Operation` with their facts.
pub fn operation_table(apis: &[ApiRows]) -> String {
    use std::fmt::Write as _;
    let mut api_variants = String::new();
    let mut api_title = String::new();
    let mut api_url = String::new();
    let mut variants = String::new();
    let mut all = String::new();
    let mut ids = String::new();
    let mut from_generated = String::new();
    let mut methods = String::new();
    let mut paths = String::new();
    let mut api_of = String::new();
    let mut retry = String::new();
    let mut summary = String::new();
    let mut per_second = String::new();
    let mut max_bytes = String::new();
    let mut bodies = String::new();
    for api in apis {
        let a = api.api;
        let _ = writeln!(
            api_variants,
            "    /// {} (`{}`), from `{}`.\n    {a},",
            api.title, api.base_url, api.spec
        );
        let _ = writeln!(api_title, "            Api::{a} => {:?},", api.title);
        let _ = writeln!(api_url, "            Api::{a} => {:?},", api.base_url);
        for op in &api.operations {
            let v = pascal_case(&op.id);
            let class = op.retry;
            let _ = writeln!(
                variants,
                "    /// `{} {}`: {} (`{}`; {a} API; retry class [`{class}`](crate::RetryClass::{class})).\n    #[serde(rename = {:?})]\n    {v},",
                op.method,
                op.path,
                op.summary.trim_end_matches('.'),
                op.id,
                op.id
            );
            let _ = writeln!(all, "        Operation::{v},");
            let _ = writeln!(ids, "            Operation::{v} => {:?},", op.id);
            let _ = writeln!(
                from_generated,
                "            {:?} => Some(Operation::{v}),",
                snake_case(&op.id)
            );
            let _ = writeln!(methods, "            Operation::{v} => {:?},", op.method);
            let _ = writeln!(paths, "            Operation::{v} => {:?},", op.path);
            let _ = writeln!(api_of, "            Operation::{v} => Api::{a},");
            let _ = writeln!(retry, "            Operation::{v} => RetryClass::{class},");
            let _ = writeln!(summary, "            Operation::{v} => {:?},", op.summary);
            let _ = writeln!(
                per_second,
                "            Operation::{v} => {:?},",
                op.requests_per_second
            );
            let _ = writeln!(
                max_bytes,
                "            Operation::{v} => {:?},",
                op.max_response_bytes
            );
            let body = match &op.body {
                None => "None".to_owned(),
                Some(b) => format!(
                    "Some(RequestBody {{ media_type: {:?}, required: {}, fields: &{:?} }})",
                    b.media_type, b.required, b.fields
                ),
            };
            let _ = writeln!(bodies, "            Operation::{v} => {body},");
        }
    }
    format!(
        r#"// Generated by build.rs from the specs in openapi/; never edit by hand.

/// One of the Vonage APIs described in `openapi/`, each served from its own host.
///
/// Exhaustive on purpose, like [`Operation`]: a new API comes with a new minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Api {{
{api_variants}}}

impl Api {{
    /// The spec's title.
    pub const fn title(self) -> &'static str {{
        match self {{
{api_title}        }}
    }}

    /// The production base URL (the spec's first server).
    pub const fn default_base_url(self) -> &'static str {{
        match self {{
{api_url}        }}
    }}
}}

/// An operation of the Vonage APIs: one per operation in the specs in `openapi/`, generated by
/// `build.rs`. It names calls in [`ResponseMeta`](crate::ResponseMeta), in errors, and in the
/// fake server's request log and faults, where it is written as its `operationId`.
///
/// Exhaustive on purpose: the fake server (`vonage-account-fake`) and the CLI match on it with no
/// wildcard, so the compiler names every place a new operation must reach. A new operation comes
/// with a new minor version of the three crates, released together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Operation {{
{variants}}}

impl Operation {{
    /// Every operation, in the order of the specs.
    pub const ALL: &'static [Operation] = &[
{all}    ];

    /// The spec's `operationId` (`getAccountBalance`).
    pub const fn id(self) -> &'static str {{
        match self {{
{ids}        }}
    }}

    /// The operation progenitor's generated client names `id` (snake case, as its hooks see it).
    pub(crate) fn from_generated(id: &str) -> Option<Operation> {{
        match id {{
{from_generated}            _ => None,
        }}
    }}

    /// The HTTP method, upper case (`GET`).
    pub const fn method(self) -> &'static str {{
        match self {{
{methods}        }}
    }}

    /// The path template, with `{{name}}` for each path parameter.
    pub const fn path_template(self) -> &'static str {{
        match self {{
{paths}        }}
    }}

    /// The API, and so the host, it belongs to.
    pub const fn api(self) -> Api {{
        match self {{
{api_of}        }}
    }}

    /// Whether it may be sent again once the request may have reached Vonage (the spec's
    /// `x-retry`).
    pub const fn retry_class(self) -> RetryClass {{
        match self {{
{retry}        }}
    }}

    /// The spec's one-line summary.
    pub const fn summary(self) -> &'static str {{
        match self {{
{summary}        }}
    }}

    /// The documented rate limit (the spec's `x-requests-per-second`), if any. A client spaces
    /// the calls of such operations so that it stays under it (see
    /// [`ClientBuilder::rate_limit_pacing`](crate::ClientBuilder::rate_limit_pacing)).
    pub const fn requests_per_second(self) -> Option<u64> {{
        match self {{
{per_second}        }}
    }}

    /// The body limit for this operation's answers when it is above the client's
    /// (the spec's `x-max-response-bytes`).
    pub const fn max_response_bytes(self) -> Option<u64> {{
        match self {{
{max_bytes}        }}
    }}

    /// What its request body is (media type and fields), or `None` when it takes no body.
    pub const fn request_body(self) -> Option<RequestBody> {{
        match self {{
{bodies}        }}
    }}
}}
"#
    )
}

/// Turns one spec's YAML text into the generated client's Rust source, or says why not.
pub fn generate_code(text: &str) -> Result<String, String> {
    generate(parse(text)?)
}

/// Reads one spec and checks the rules progenitor needs.
fn parse(text: &str) -> Result<openapiv3::OpenAPI, String> {
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
    Ok(api)
}

/// The generated client's Rust source for a parsed, checked spec.
fn generate(api: openapiv3::OpenAPI) -> Result<String, String> {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        // The facade's transport (auth, retries, limits) rides along as the client's inner value.
        .with_inner_type(syn::parse_str("crate::transport::Transport").expect("a valid path"))
        .with_derive("PartialEq")
        // JSON numbers for money keep every decimal the API sent.
        .with_replacement("Amount", "crate::Amount", [TypeImpl::Display].into_iter())
        // The public enums already are the wire types: the generated code uses them directly.
        .with_replacement(
            "HttpForwardMethod",
            "crate::HttpForwardMethod",
            std::iter::empty(),
        )
        .with_replacement(
            "ServiceType",
            "crate::ServiceType",
            [TypeImpl::Display].into_iter(),
        )
        // Prices are decimal strings on the wire; `Amount` reads them keeping every digit.
        .with_replacement("Price", "crate::Amount", [TypeImpl::Display].into_iter())
        // The credit-transfer list's key is `credit_transfers` live and `credit-transfers` in the
        // published spec: a hand-written type reads both (the generated one would have two fields
        // of one Rust name).
        .with_replacement(
            "EmbeddedCreditTransfers",
            "crate::subaccounts::wire::EmbeddedCreditTransfers",
            std::iter::empty(),
        );

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
            format!("progenitor panicked while generating (see the spec rules in build.rs's check_rules): {message}")
        })?
        .map_err(|e| format!("progenitor rejected it: {e}"))?;

    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut DropApiVersionHeader, &mut file);
    syn::visit_mut::VisitMut::visit_file_mut(&mut DropEmptyHeaderMap, &mut file);
    Ok(prettyplease::unparse(&file))
}

/// Removes the `header_map` progenitor builds for every request when nothing goes into it (no
/// header parameters, and the `api-version` header gone): an allocation, a merge into the
/// request's headers and a drop per call, for nothing. Where a header parameter uses it, it stays.
struct DropEmptyHeaderMap;

impl syn::visit_mut::VisitMut for DropEmptyHeaderMap {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        use quote::ToTokens as _;
        // Its only uses: `let mut header_map = HeaderMap::with_capacity(..);` and
        // `.headers(header_map)` on the request builder.
        let declares = |stmt: &syn::Stmt| {
            matches!(stmt, syn::Stmt::Local(local) if matches!(
                &local.pat,
                syn::Pat::Ident(p) if p.ident == "header_map"
            ))
        };
        let uses = block
            .stmts
            .iter()
            .map(|stmt| {
                stmt.to_token_stream()
                    .into_iter()
                    .map(|t| count_ident(&t, "header_map"))
                    .sum::<usize>()
            })
            .sum::<usize>();
        if uses == 2 && block.stmts.iter().any(declares) {
            block.stmts.retain(|stmt| !declares(stmt));
            syn::visit_mut::visit_block_mut(&mut StripHeadersCall, block);
        }
        syn::visit_mut::visit_block_mut(self, block);
    }
}

/// Occurrences of the identifier `name` in a token tree.
fn count_ident(tree: &proc_macro2::TokenTree, name: &str) -> usize {
    match tree {
        proc_macro2::TokenTree::Ident(ident) => usize::from(ident == name),
        proc_macro2::TokenTree::Group(group) => group
            .stream()
            .into_iter()
            .map(|t| count_ident(&t, name))
            .sum(),
        _ => 0,
    }
}

/// Rewrites `<builder>.headers(header_map)` to `<builder>`.
struct StripHeadersCall;

impl syn::visit_mut::VisitMut for StripHeadersCall {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "headers"
            && matches!(call.args.first(), Some(syn::Expr::Path(p)) if p.path.is_ident("header_map"))
        {
            *expr = (*call.receiver).clone();
        }
    }
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
