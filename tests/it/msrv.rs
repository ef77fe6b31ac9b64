//! The declared `rust-version` is true of the dependency tree: no package the crate builds with
//! (normal and build dependencies, all features, for this host) declares a newer one, so no
//! dependency keeps the declared rustc from building it. The crate's own code is held to the
//! same version by `clippy::incompatible_msrv`, denied in Cargo.toml.

use std::process::Command;

use serde_json::Value;

/// `1.89` or `1.89.0` as comparable numbers.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

fn host() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("-vV").output().expect("rustc -vV");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("a host line")
        .to_owned()
}

#[test]
fn no_dependency_needs_a_newer_rust_than_declared() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--all-features"])
        .args(["--filter-platform", &host()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let package = |id: &str| {
        packages
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("package {id}"))
    };
    let root = meta["resolve"]["root"].as_str().expect("a root package");
    let declared = package(root)["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version")
        .to_owned();
    assert!(
        version(&declared) >= version("1.85"),
        "edition 2024 needs 1.85"
    );
    let nodes = meta["resolve"]["nodes"].as_array().expect("nodes");
    let deps_of = |id: &str| -> Vec<String> {
        let node = nodes.iter().find(|n| n["id"] == id).expect("node");
        node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|dep| {
                // Dev-dependencies build the tests and benchmarks, not the library.
                dep["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|k| k["kind"] != "dev")
            })
            .map(|dep| dep["pkg"].as_str().expect("pkg").to_owned())
            .collect()
    };

    let mut seen = vec![root.to_owned()];
    let mut todo = deps_of(root);
    while let Some(id) = todo.pop() {
        if seen.contains(&id) {
            continue;
        }
        todo.extend(deps_of(&id));
        seen.push(id);
    }
    let mut newest = ("none".to_owned(), "0".to_owned());
    let mut too_new = Vec::new();
    for id in &seen[1..] {
        let p = package(id);
        let Some(needs) = p["rust_version"].as_str() else {
            continue;
        };
        let name = format!("{} {}", p["name"].as_str().unwrap_or("?"), p["version"]);
        if version(needs) > version(&newest.1) {
            newest = (name.clone(), needs.to_owned());
        }
        if version(needs) > version(&declared) {
            too_new.push(format!("{name} needs {needs}"));
        }
    }
    eprintln!(
        "rust-version {declared}; {} dependencies; the newest requirement is {} ({})",
        seen.len() - 1,
        newest.1,
        newest.0
    );
    assert!(
        too_new.is_empty(),
        "rust-version {declared} is not true: {too_new:?}"
    );
}
