//! Fixtures for the benchmarks: the 98-component framework and 63 provinces in
//! `fixtures/bench/` (seeded, synthetic; see `tests/synthetic.rs`).

use std::path::Path;

use dti_core::{Framework, UnitRecord};

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The 98-component benchmark framework.
pub fn framework_98() -> Framework {
    Framework::from_json(&read("bench/framework-98.json")).expect("valid benchmark framework")
}

/// 63 provinces × 98 components.
pub fn units_63x98() -> Vec<UnitRecord> {
    serde_json::from_str(&read("bench/units-63x98.json")).expect("valid benchmark units")
}
