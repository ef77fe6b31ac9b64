//! The examples are code a team can lift into production: only `main` may touch the fake
//! server (to pick it for the demo); every other item, and every import, is free of it.

use std::path::Path;

/// The names that mean the fake.
const FAKE: [&str; 2] = ["testing", "FakeVonage"];

/// One item of `file`, as source text.
fn unparse(file: &syn::File, item: &syn::Item) -> String {
    let mut one = file.clone();
    one.attrs.clear();
    one.items = vec![item.clone()];
    prettyplease::unparse(&one)
}

fn mentions_the_fake(file: &syn::File, item: &syn::Item) -> bool {
    let text = unparse(file, item);
    FAKE.iter().any(|name| text.contains(name))
}

#[test]
fn only_main_touches_the_fake_in_every_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&source).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let mut main_picks_the_fake = false;
        for item in &file.items {
            let is_main = matches!(item, syn::Item::Fn(f) if f.sig.ident == "main");
            if is_main {
                main_picks_the_fake = mentions_the_fake(&file, item);
                continue;
            }
            assert!(
                !mentions_the_fake(&file, item),
                "{name}: only `main` may use the fake, but this does:\n{}",
                unparse(&file, item)
            );
        }
        assert!(
            main_picks_the_fake,
            "{name}: `main` picks the fake for the demo"
        );
        assert!(
            source.contains("Client::from_env()"),
            "{name}: the real client comes from the environment"
        );
        checked += 1;
    }
    assert!(checked >= 4, "{checked} examples");
}
