//! The build step itself: the shipped specs generate, an edited spec changes the client, and a
//! broken spec is a readable error rather than a panic.

use crate::build_script;

use build_script::{SPECS, Spec, generate_code, generate_spec, operation_table};

fn spec(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn out_dir_holds_exactly_what_the_specs_generate() {
    // build.rs wrote these from the specs in this checkout: regenerate and compare.
    let mut apis = Vec::new();
    for s in SPECS {
        let built =
            std::fs::read_to_string(std::path::Path::new(env!("OUT_DIR")).join(s.module)).unwrap();
        let (code, api) = generate_spec(s, &spec(s.path)).unwrap();
        assert_eq!(code, built, "{}", s.path);
        apis.push(api);
    }
    let table =
        std::fs::read_to_string(std::path::Path::new(env!("OUT_DIR")).join(build_script::TABLE))
            .unwrap();
    assert_eq!(operation_table(&apis), table);
}

#[test]
fn every_operation_is_generated() {
    let account = generate_code(&spec("openapi/account.yaml")).unwrap();
    for op in [
        "get_account_balance",
        "top_up_account_balance",
        "change_account_settings",
    ] {
        assert!(account.contains(&format!("pub async fn {op}")), "{op}");
    }
    assert!(account.contains("rename = \"mo-callback-url\""));
    assert!(account.contains("rename = \"autoReload\""));
    assert!(account.contains("form_urlencoded"));
    // build.rs drops the api-version header progenitor adds to every request.
    assert!(!account.contains("api-version"));
    // ... and the header map it built for it, left empty: no allocation per call for nothing.
    assert!(!account.contains("header_map"));
    let secrets = generate_code(&spec("openapi/secrets.yaml")).unwrap();
    for op in [
        "retrieve_api_secrets",
        "retrieve_api_secret",
        "create_api_secret",
        "revoke_api_secret",
    ] {
        assert!(secrets.contains(&format!("pub async fn {op}")), "{op}");
    }
}

#[test]
fn editing_a_spec_changes_the_generated_client() {
    let original = spec("openapi/account.yaml");
    let edited = original.replacen(
        "paths:\n",
        "paths:\n  /account/pricing:\n    get:\n      operationId: getPricing\n      description: Pricing.\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/AccountBalance'\n",
        1,
    );
    assert_ne!(original, edited);
    let before = generate_code(&original).unwrap();
    let after = generate_code(&edited).unwrap();
    assert!(!before.contains("get_pricing"));
    assert!(after.contains("pub async fn get_pricing"));
    assert!(after.contains("/account/pricing"));
}

#[test]
fn a_header_parameter_keeps_its_header_map() {
    let original = spec("openapi/account.yaml");
    let edited = original.replacen(
        "paths:\n",
        "paths:\n  /account/traced:\n    get:\n      operationId: getTraced\n      description: Traced.\n      x-retry: repeatable\n      parameters:\n        - name: X-Trace\n          in: header\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/AccountBalance'\n",
        1,
    );
    let code = generate_code(&edited).unwrap();
    let traced = &code[code.find("pub async fn get_traced").unwrap()..];
    let traced = &traced[..traced.find("pub async fn").map_or(traced.len(), |_| {
        traced[1..]
            .find("pub async fn")
            .map_or(traced.len(), |i| i + 1)
    })];
    assert!(traced.contains("header_map.append"), "{traced}");
    assert!(traced.contains(".headers(header_map)"), "{traced}");
}

#[test]
fn duplicate_keys_are_rejected() {
    let original = spec("openapi/account.yaml");
    let doubled = original.replacen("  /account/top-up:\n", "  /account/get-balance:\n", 1);
    let err = generate_code(&doubled).unwrap_err();
    assert!(
        err.contains("not a valid OpenAPI") && err.to_lowercase().contains("duplicate"),
        "{err}"
    );
}

#[test]
fn patterns_that_break_progenitor_are_refused_before_it_runs() {
    // Inline schemas: progenitor names both `GetXResponse` and silently merges them.
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    get:
      operationId: getX
      responses:
        '200':
          description: a
          content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
        '202':
          description: b
          content: {application/json: {schema: {type: object, properties: {b: {type: integer}}}}}
"#;
    let err = generate_code(text).unwrap_err();
    assert!(
        err.contains("the 200 response schema must be a $ref"),
        "{err}"
    );
    assert!(err.contains("exactly one 2xx response, not 2"), "{err}");
    let text = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      operationId: postX
      requestBody:
        content: {application/json: {schema: {type: object}}}
      responses:
        default:
          description: a
"#;
    let err = generate_code(text).unwrap_err();
    assert!(err.contains("request body schema must be a $ref"), "{err}");
    assert!(err.contains("no `default` response"), "{err}");
}

#[test]
fn openapi_3_1_and_garbage_are_refused() {
    let err =
        generate_code("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
    assert!(err.contains("3.0"), "{err}");
    let err = generate_code("not: [valid").unwrap_err();
    assert!(err.contains("not a valid OpenAPI"), "{err}");
}

/// A new operation for `openapi/account.yaml`, with or without its retry class.
fn with_pricing(x_retry: &str) -> String {
    spec("openapi/account.yaml").replacen(
        "paths:\n",
        &format!("paths:\n  /account/get-phone-pricing/outbound/sms:\n    get:\n      operationId: retrievePhonePricing\n{x_retry}      summary: Pricing for a country.\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/AccountBalance'\n"),
        1,
    )
}

const ACCOUNT: Spec = Spec {
    path: "openapi/account.yaml",
    module: "account.rs",
    api: "Account",
};

#[test]
fn an_operation_without_a_retry_class_fails_the_build_naming_it() {
    let err = match generate_spec(&ACCOUNT, &with_pricing("")) {
        Err(err) => err,
        Ok(_) => panic!("an operation without x-retry was accepted"),
    };
    assert!(err.contains("retrievePhonePricing"), "{err}");
    assert!(
        err.contains("GET /account/get-phone-pricing/outbound/sms"),
        "{err}"
    );
    assert!(err.contains("x-retry"), "{err}");
    let err = match generate_spec(&ACCOUNT, &with_pricing("      x-retry: sometimes\n")) {
        Err(err) => err,
        Ok(_) => panic!("an unknown x-retry was accepted"),
    };
    assert!(err.contains("\"sometimes\""), "{err}");
}

#[test]
fn a_new_operation_enters_the_operation_table() {
    let Ok((_, rows)) = generate_spec(&ACCOUNT, &with_pricing("      x-retry: repeatable\n"))
    else {
        panic!("the edited spec generates");
    };
    let table = operation_table(&[rows]);
    assert!(table.contains("    RetrievePhonePricing,"), "{table}");
    assert!(
        table.contains("Operation::RetrievePhonePricing => RetryClass::Repeatable,"),
        "{table}"
    );
    assert!(
        table.contains("\"retrieve_phone_pricing\" => Some(Operation::RetrievePhonePricing),"),
        "{table}"
    );
}
