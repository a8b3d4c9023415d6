//! Walks every `fixtures/<case>/` that has an `expected.json` and compares the engine's
//! output with the numbers worked out by hand in that case's README.

use std::path::Path;

use dti_core::{CohortScores, ScoreOptions, UnitScore};
use dti_tests::{close, framework, golden_cases, read, units};
use serde_json::Value as Json;

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

fn check_unit(errors: &mut Vec<String>, unit: &UnitScore, exp: &Json) {
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
