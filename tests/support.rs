//! Helpers shared by the integration tests: locating and loading fixtures, checking results,
//! and the generator of the synthetic province panel.

#[path = "synthetic.rs"]
pub mod synthetic;

use std::path::{Path, PathBuf};

use dti_core::{Framework, UnitRecord, UnitScore};
use serde_json::Value as Json;

/// The workspace root (this crate lives in `tests/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// Reads a fixture file as text, naming it on failure.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The framework of a golden case folder: `framework.json`, or the built-in framework named
/// in `framework.builtin`.
pub fn framework(case: &Path) -> Framework {
    let builtin = case.join("framework.builtin");
    if builtin.is_file() {
        let id = read(&builtin);
        return Framework::builtin(id.trim())
            .unwrap_or_else(|e| panic!("{}: {e}", builtin.display()));
    }
    let path = case.join("framework.json");
    Framework::from_json(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The unit records of a golden case folder.
pub fn units(case: &Path) -> Vec<UnitRecord> {
    let path = case.join("units.json");
    serde_json::from_str(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every golden case of the scoring engine: a folder under `fixtures/` holding
/// `units.json` and `expected.json` (other golden folders have runners of their own).
pub fn golden_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures"))
        .expect("fixtures/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.json").is_file() && p.join("units.json").is_file())
        .collect();
    cases.sort();
    cases
}

/// Equal within 1e-9 relative (the golden numbers are worked by hand in decimals).
pub fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

fn check_number(errors: &mut Vec<String>, at: &str, actual: Option<f64>, expected: &Json) {
    match (actual, expected) {
        (None, Json::Null) => {}
        (Some(a), Json::Number(e)) if close(a, e.as_f64().unwrap_or(f64::NAN)) => {}
        (a, e) => errors.push(format!("{at}: expected {e}, got {a:?}")),
    }
}

fn check_rank(errors: &mut Vec<String>, at: &str, actual: Option<u32>, expected: &Json) {
    check_number(errors, at, actual.map(f64::from), expected);
}

/// Compares a unit's result with an expectation object (see `fixtures/*/expected.json`),
/// appending every mismatch to `errors`.
pub fn check_unit(errors: &mut Vec<String>, unit: &UnitScore, exp: &Json) {
    let id = &unit.unit;
    let fields = exp.as_object().expect("unit expectation is an object");
    for (key, e) in fields {
        let at = format!("{id}.{key}");
        match key.as_str() {
            "unit" | "period" => {}
            "points" => check_number(errors, &at, unit.points, e),
            "value" => check_number(errors, &at, unit.value, e),
            "rank" => check_rank(errors, &at, unit.rank, e),
            "nodes" => {
                for (code, ne) in e.as_object().expect("nodes object") {
                    let Some(node) = unit.node(code) else {
                        errors.push(format!("{id}: no node {code}"));
                        continue;
                    };
                    for (k, v) in ne.as_object().expect("node object") {
                        let at = format!("{id}.{code}.{k}");
                        match k.as_str() {
                            "points" => check_number(errors, &at, node.points, v),
                            "value" => check_number(errors, &at, node.value, v),
                            "rank" => check_rank(errors, &at, node.rank, v),
                            "status" => {
                                let s = serde_json::to_value(node.status).expect("status");
                                if &s != v {
                                    errors.push(format!("{at}: expected {v}, got {s}"));
                                }
                            }
                            "self_points" => check_number(
                                errors,
                                &at,
                                node.self_assessed.as_ref().and_then(|s| s.points),
                                v,
                            ),
                            "appraised_points" => check_number(
                                errors,
                                &at,
                                node.appraised.as_ref().and_then(|s| s.points),
                                v,
                            ),
                            other => panic!("unknown node expectation '{other}'"),
                        }
                    }
                }
            }
            "views" => {
                for (code, ve) in e.as_object().expect("views object") {
                    let Some(view) = unit.view(code) else {
                        errors.push(format!("{id}: no view {code}"));
                        continue;
                    };
                    for (k, v) in ve.as_object().expect("view object") {
                        let at = format!("{id}.{code}.{k}");
                        match k.as_str() {
                            "points" => check_number(errors, &at, view.points, v),
                            "value" => check_number(errors, &at, view.value, v),
                            "rank" => check_rank(errors, &at, view.rank, v),
                            other => panic!("unknown view expectation '{other}'"),
                        }
                    }
                }
            }
            "opportunities" => {
                let got: Vec<&str> = unit
                    .explanation
                    .as_ref()
                    .map(|x| x.opportunities.iter().map(|o| o.code.as_str()).collect())
                    .unwrap_or_default();
                let want: Vec<&str> = e
                    .as_array()
                    .expect("opportunities array")
                    .iter()
                    .map(|c| c.as_str().expect("code"))
                    .collect();
                if got[..want.len().min(got.len())] != want[..] {
                    errors.push(format!("{at}: expected {want:?}, got {got:?}"));
                }
            }
            "contributions" => {
                let leaves = &unit.explanation.as_ref().expect("explanation").leaves;
                for (code, v) in e.as_object().expect("contributions object") {
                    let c = leaves
                        .iter()
                        .find(|l| &l.code == code)
                        .and_then(|l| l.contribution);
                    check_number(errors, &format!("{at}.{code}"), c, v);
                }
            }
            other => panic!("unknown unit expectation '{other}'"),
        }
    }
}

// The README's Rust example is compiled and run as a doctest, so it cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
