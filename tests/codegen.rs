//! The build step itself: the shipped specs generate, an edited spec changes the client, and a
//! broken spec is a readable error rather than a panic.

#[allow(dead_code)]
#[path = "../build.rs"]
mod build_script;

use build_script::{SPECS, generate_code};

fn spec(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn out_dir_holds_exactly_what_the_specs_generate() {
    // build.rs wrote these from the specs in this checkout: regenerate and compare.
    for (spec_path, module) in SPECS {
        let built =
            std::fs::read_to_string(std::path::Path::new(env!("OUT_DIR")).join(module)).unwrap();
        assert_eq!(
            generate_code(&spec(spec_path)).unwrap(),
            built,
            "{spec_path}"
        );
    }
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
