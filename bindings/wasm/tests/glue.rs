//! wasm-bindgen-test unit tests of the glue, run inside the WebAssembly module (node):
//! values cross as plain JS objects, errors are `Error`s with the stable fields, limits hold.
//! Run with `scripts/ci/wasm-glue` (wasm-bindgen-test-runner as the cargo runner), with both
//! features, so the scoring and the analysis exports are tested together.
#![cfg(target_arch = "wasm32")]

use dti_wasm::{
    apply_scenario, builtin_ids, find_province, leave_one_out, normalise, score_cohort,
    uncertainty, validate_framework,
};
use js_sys::{Array, Error, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("valid JSON in the test")
}

fn get(v: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(v.clone(), |o, k| {
        let key: JsValue = match k.parse::<u32>() {
            Ok(i) => i.into(),
            Err(_) => (*k).into(),
        };
        Reflect::get(&o, &key).unwrap_or(JsValue::UNDEFINED)
    })
}

/// The thrown value as an `Error`, and its `code`.
fn code(e: &JsValue) -> String {
    assert!(e.is_instance_of::<Error>(), "not an Error: {e:?}");
    get(e, &["code"]).as_string().expect("a string code")
}

#[wasm_bindgen_test]
fn a_cohort_scores_to_plain_objects_with_the_hand_numbers() {
    // vn-pdti-2022: GOV max 200, ECO 150. HN: 0.5·200 + 0.4·150 = 160; HCM: 180 + 30 = 210.
    let units = js(r#"[{"unit": "HN", "values": {"GOV": 0.5, "ECO": 0.4}},
            {"unit": "HCM", "values": {"GOV": 0.9, "ECO": 0.2}}]"#);
    let s = score_cohort("vn-pdti-2022".into(), units, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&s, &["units", "0", "points"]).as_f64(), Some(160.0));
    assert_eq!(get(&s, &["units", "1", "points"]).as_f64(), Some(210.0));
    assert_eq!(get(&s, &["units", "0", "rank"]).as_f64(), Some(2.0));
    assert!(Array::is_array(&get(&s, &["problems"])));
}

#[wasm_bindgen_test]
fn input_errors_carry_code_unit_indicator_and_row() {
    let units =
        js(r#"[{"unit": "HN", "values": {"GOV": 0.5}}, {"unit": "HG", "values": {"GOV": 1.5}}]"#);
    let e = score_cohort("vn-pdti-2022".into(), units, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code(&e), "input");
    assert_eq!(get(&e, &["unit"]).as_string().as_deref(), Some("HG"));
    assert_eq!(get(&e, &["indicator"]).as_string().as_deref(), Some("GOV"));
    assert_eq!(get(&e, &["row"]).as_f64(), Some(1.0));
    assert_eq!(
        get(&e, &["problems", "0", "code"]).as_string().as_deref(),
        Some("value_out_of_range")
    );
}

#[wasm_bindgen_test]
fn a_bad_framework_reports_every_problem() {
    let def = js(
        r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
        {"code": "A", "name_vi": "A", "parent": "Z"}, {"code": "A", "name_vi": "A2"}]}"#,
    );
    let e = validate_framework(def).unwrap_err();
    assert_eq!(code(&e), "invalid_framework");
    let problems: Array = get(&e, &["problems"])
        .dyn_into()
        .expect("an array of problems");
    assert!(problems.length() >= 2, "{problems:?}");
}

#[wasm_bindgen_test]
fn shapes_and_sizes_are_checked_before_scoring() {
    // Not an array of records: the argument is named.
    let e = score_cohort(
        "vn-pdti-2022".into(),
        js(r#"{"unit": "HN"}"#),
        JsValue::UNDEFINED,
    )
    .unwrap_err();
    assert_eq!(code(&e), "bad_argument");
    assert_eq!(get(&e, &["path"]).as_string().as_deref(), Some("units"));
    // More units than a public portal accepts.
    let many = format!("[{}]", vec![r#"{"unit": "X"}"#; 10_001].join(","));
    let e = score_cohort("vn-pdti-2022".into(), js(&many), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code(&e), "too_large");
    // An unknown built-in id.
    let e = score_cohort("vn-pdti-1999".into(), js("[]"), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code(&e), "unknown_builtin");
}

#[wasm_bindgen_test]
fn builtins_and_the_registry_cross_as_strings_and_objects() {
    assert!(builtin_ids().iter().any(|id| id == "vn-pdti-2022"));
    let p = find_province("TP. Hồ Chí Minh", "pre2025").unwrap();
    assert_eq!(
        get(&p, &["code"]).as_string().as_deref(),
        Some("ho-chi-minh")
    );
}

#[wasm_bindgen_test]
fn the_analysis_exports_take_and_return_plain_objects() {
    // min-max onto 0..100 of 2, 4, missing, 10: (x − 2) / 8 · 100 = 0, 25, null, 100.
    let n = normalise(
        js(r#"{"method": "min_max", "l": 0, "u": 100}"#),
        js("[2, 4, null, 10]"),
        None,
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(JSON::stringify(&n).unwrap(), "[0,25,null,100]");
    // A scenario's output scores in the scoring module: HN's GOV 0.5 → 0.9 gives 0.9·200.
    let units = js(r#"[{"unit": "HN", "values": {"GOV": 0.5}}]"#);
    let applied = apply_scenario(
        "vn-pdti-2022".into(),
        units,
        js(r#"{"values": [{"unit": "HN", "indicator": "GOV", "op": "set", "value": 0.9}]}"#),
    )
    .unwrap();
    let s = score_cohort(
        get(&applied, &["framework"]),
        get(&applied, &["units"]),
        JsValue::UNDEFINED,
    )
    .unwrap();
    assert_eq!(get(&s, &["units", "0", "points"]).as_f64(), Some(180.0));
    let e = uncertainty(
        "vn-pdti-2022".into(),
        js("[]"),
        js(r#"{"runs": 100001, "inputs": []}"#),
        None,
        JsValue::UNDEFINED,
    )
    .unwrap_err();
    assert_eq!(code(&e), "too_large");
    assert_eq!(get(&e, &["path"]).as_string().as_deref(), Some("runs"));
    // Every analysis on one period: one the data lacks is refused naming the option.
    let two = js(
        r#"[{"unit": "HN", "period": 2023, "values": {"GOV": 0.5, "ECO": 0.4}},
            {"unit": "DN", "period": 2023, "values": {"GOV": 0.4, "ECO": 0.5}}]"#,
    );
    let e = leave_one_out(
        "vn-pdti-2022".into(),
        two.clone(),
        js(r#"{"period": 2020}"#),
    )
    .unwrap_err();
    assert_eq!(code(&e), "invalid");
    assert_eq!(
        get(&e, &["path"]).as_string().as_deref(),
        Some("options.period")
    );
    let e = leave_one_out("vn-pdti-2022".into(), two.clone(), js(r#"{"depth": 0}"#)).unwrap_err();
    assert_eq!(
        get(&e, &["path"]).as_string().as_deref(),
        Some("options.depth")
    );
    let loo = leave_one_out("vn-pdti-2022".into(), two, JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&loo, &["depth"]).as_f64(), Some(2.0));
}
