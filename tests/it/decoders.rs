//! Arbitrary bytes to every response decoder: never a panic, always a value or a typed error.

use crate::common;

use common::*;
use proptest::{prelude::*, test_runner::TestRunner};
use vonage_account::{Balance, ErrorBody, Settings};
use vonage_account_fake::{Fault, FaultKind};

/// Bodies that look like JSON often enough to reach deep into the decoders.
fn bodies() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        "[0-9]{1,30}\\.[0-9]{0,30}",
        "\"[^\"\\\\]{0,20}\"",
        Just("\"2018-12-03T10:07:23Z\"".to_owned()),
    ];
    let json = leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("value"),
                        Just("autoReload"),
                        Just("error-code"),
                        Just("error-code-label"),
                        Just("type"),
                        Just("title"),
                        Just("detail"),
                        Just("invalid_parameters"),
                        Just("_embedded"),
                        Just("secrets"),
                        Just("id"),
                        Just("created_at"),
                        Just("mo-callback-url"),
                        Just("max-calls-per-second"),
                        Just("error_title"),
                        Just("x")
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| format!(
                "{{{}}}",
                kv.iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        ]
    });
    prop_oneof![
        json.clone(),
        json.prop_map(|j| j.chars().take(j.chars().count() / 2).collect()),
        any::<String>()
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn error_body_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = ErrorBody::parse(&bytes);
    }

    #[test]
    fn error_body_parsing_of_json_like_text_never_panics(body in bodies()) {
        let _ = ErrorBody::parse(body.as_bytes());
        let _ = serde_json::from_str::<Balance>(&body);
        let _ = serde_json::from_str::<Settings>(&body);
        let _ = serde_json::from_str::<vonage_account::Secret>(&body);
    }
}

#[test]
fn every_operation_survives_arbitrary_answers() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let fake = runtime.block_on(doc_fake());
    let client = no_retry(&fake);
    let mut runner = TestRunner::new(ProptestConfig::with_cases(150));
    let statuses = prop_oneof![
        Just(200u16),
        Just(201),
        Just(204),
        Just(400),
        Just(401),
        Just(403),
        Just(404),
        Just(429),
        Just(500),
        Just(302),
        100u16..600
    ];
    runner
        .run(&(bodies(), statuses, 0usize..7), |(body, status, op)| {
            // 1xx answers are not final answers in HTTP; the fake cannot send them alone.
            let status = if status < 200 { 200 } else { status };
            fake.inject(Fault::new(FaultKind::Status {
                status,
                headers: vec![],
                body: body.clone(),
                content_type: Some("application/json".into()),
            }));
            let outcome = runtime.block_on(async {
                match op {
                    0 => client.account().balance().await.map(drop),
                    1 => client.account().top_up("t").await.map(drop),
                    2 => client.account().settings().await.map(drop),
                    3 => client.secrets().list().await.map(drop),
                    4 => client.secrets().get("id1").await.map(drop),
                    5 => client.secrets().create("Abcdefgh1234").await.map(drop),
                    _ => client.secrets().revoke("id1").await,
                }
            });
            fake.clear_faults();
            if let Err(e) = outcome {
                // A typed error with a readable message; an API error keeps the status.
                prop_assert!(!e.to_string().is_empty());
                if status >= 300 && status != 304 {
                    prop_assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{:?}", e);
                }
            } else {
                prop_assert!((200..300).contains(&status), "success from {}", status);
            }
            Ok(())
        })
        .unwrap();
    assert!(fake.requests().len() >= 150);
}
