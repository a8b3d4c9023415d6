//! Walks every `fixtures/<case>/` that has an `expected.json` and compares the engine's
//! output with the numbers worked out by hand in that case's README.

use std::path::Path;

use dti_core::{CohortScores, ScoreOptions};
use dti_tests::{check_unit, framework, golden_cases, read, units};
use serde_json::Value as Json;

fn run_case(case: &Path) -> Vec<String> {
    let fw = framework(case);
    let records = units(case);
    let expected: Json = serde_json::from_str(&read(&case.join("expected.json"))).expect("json");
    let opts: ScoreOptions = expected
        .get("options")
        .map(|o| serde_json::from_value(o.clone()).expect("options"))
        .unwrap_or_default();
    let scores: CohortScores = match fw.score_with(&records, &opts) {
        Ok(s) => s,
        Err(e) => return vec![format!("scoring failed: {e}")],
    };
    let mut errors = Vec::new();
    for exp in expected["units"].as_array().expect("units array") {
        let id = exp["unit"].as_str().expect("unit id");
        let period = exp.get("period").and_then(Json::as_i64).map(|p| p as i32);
        match scores.unit(id, period) {
            Some(u) => check_unit(&mut errors, u, exp),
            None => errors.push(format!("no result for unit {id}")),
        }
    }
    errors
}

#[test]
fn golden_cases_match_their_hand_computations() {
    let cases = golden_cases();
    assert!(cases.len() >= 3, "golden cases not found: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        for e in run_case(case) {
            failures.push(format!(
                "{}: {e}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches:\n{}",
        failures.join("\n")
    );
}
