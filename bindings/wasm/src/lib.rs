//! WebAssembly bindings of `dti-core`: glue only. Each export wraps the core function of the
//! same name (camelCase in JS); inputs and outputs are plain JS objects with the core's serde
//! shapes (declared once in `npm/index.d.ts`); errors are JS `Error` objects with a stable
//! `code` (see `errors.rs`).

mod convert;
mod errors;

use std::cell::RefCell;

use dti_core::{
    CohortScores, Era, Framework, FrameworkDef, MergeMap, MergeOptions, Normaliser, Scenario,
    ScoreOptions, UncertaintySpec, UnitRecord,
};
use wasm_bindgen::prelude::*;

use convert::{from_js, limit, to_js, MAX_NODES, MAX_RUNS, MAX_UNITS};

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records a panic's message so the JS wrapper can raise it as an `internal` error.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
    }));
}

/// The message of the last panic, if any (read by the JS wrapper after a trap).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take())
}

/// A framework from a built-in id (string) or a definition (object), validated.
fn framework(v: JsValue) -> Result<Framework, JsValue> {
    if let Some(id) = v.as_string() {
        return Framework::builtin(&id).map_err(|e| errors::framework(&e));
    }
    let def: FrameworkDef = from_js("framework", v)?;
    limit("nodes", def.nodes.len(), MAX_NODES)?;
    Framework::new(def).map_err(|e| errors::framework(&e))
}

fn units(v: JsValue) -> Result<Vec<UnitRecord>, JsValue> {
    let u: Vec<UnitRecord> = from_js("units", v)?;
    limit("units", u.len(), MAX_UNITS)?;
    Ok(u)
}

fn optional<T: serde::de::DeserializeOwned + Default>(
    name: &str,
    v: JsValue,
) -> Result<T, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(T::default())
    } else {
        from_js(name, v)
    }
}

/// The ids of the built-in frameworks.
#[wasm_bindgen(js_name = builtinIds)]
pub fn builtin_ids() -> Vec<String> {
    dti_core::builtin_ids().map(str::to_owned).collect()
}

/// A built-in framework's definition (provisional ones included, unvalidated).
#[wasm_bindgen(js_name = builtinFramework)]
pub fn builtin_framework(id: &str) -> Result<JsValue, JsValue> {
    let def = FrameworkDef::builtin(id).map_err(|e| errors::framework(&e))?;
    to_js(&def)
}

/// Validates a framework (id or definition); returns its definition, or throws
/// `invalid_framework` with every problem in `problems`.
#[wasm_bindgen(js_name = validateFramework)]
pub fn validate_framework(framework: JsValue) -> Result<JsValue, JsValue> {
    to_js(self::framework(framework)?.def())
}

/// Scores a cohort (`dti_core::score_cohort`).
#[wasm_bindgen(js_name = scoreCohort)]
pub fn score_cohort(
    framework: JsValue,
    units: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = self::framework(framework)?;
    let units = self::units(units)?;
    let opts: ScoreOptions = optional("options", options)?;
    let scores = dti_core::score_cohort(&fw, &units, &opts).map_err(|e| errors::score(&e))?;
    to_js(&scores)
}

/// One unit's result with its explanation (`unit` id, optional `period`).
#[wasm_bindgen(js_name = explainUnit)]
pub fn explain_unit(
    framework: JsValue,
    units: JsValue,
    unit: &str,
    period: Option<i32>,
) -> Result<JsValue, JsValue> {
    let fw = self::framework(framework)?;
    let units = self::units(units)?;
    let scores = fw.score(&units).map_err(|e| errors::score(&e))?;
    let found = scores
        .units
        .iter()
        .find(|u| u.unit == unit && (period.is_none() || u.period == period))
        .ok_or_else(|| {
            errors::error(
                "unknown_unit",
                &format!("no unit '{unit}' in the cohort"),
                &[("unit", unit.into())],
            )
        })?;
    to_js(found)
}

/// Scores merged units (`dti_core::merge_cohort`); without a map, the 2025 province merger.
#[wasm_bindgen(js_name = mergeUnits)]
pub fn merge_units(
    framework: JsValue,
    units: JsValue,
    map: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = self::framework(framework)?;
    let units = self::units(units)?;
    let map: MergeMap = if map.is_undefined() || map.is_null() {
        dti_core::merger_2025().clone()
    } else {
        from_js("map", map)?
    };
    let opts: MergeOptions = optional("options", options)?;
    let merged = dti_core::merge_cohort(&fw, &units, &map, &opts).map_err(|e| errors::merge(&e))?;
    to_js(&merged)
}

/// Normalises one column (`Normaliser::normalise_column`): `values` are direction-adjusted,
/// `null` = missing.
#[wasm_bindgen]
pub fn normalise(
    normaliser: JsValue,
    values: JsValue,
    direction: Option<f64>,
    units: JsValue,
) -> Result<JsValue, JsValue> {
    let n: Normaliser = from_js("normaliser", normaliser)?;
    let x: Vec<Option<f64>> = from_js("values", values)?;
    limit("values", x.len(), MAX_UNITS)?;
    let ids: Vec<String> = optional("units", units)?;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let x: Vec<f64> = x.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let out = n
        .normalise_column(&x, direction.unwrap_or(1.0), &ids)
        .map_err(|e| errors::error("normalise", &e.to_string(), &[]))?;
    to_js(
        &out.into_iter()
            .map(|v| (!v.is_nan()).then_some(v))
            .collect::<Vec<_>>(),
    )
}

/// Applies a scenario; returns `{ framework, units }` to score.
#[wasm_bindgen(js_name = applyScenario)]
pub fn apply_scenario(
    framework: JsValue,
    units: JsValue,
    scenario: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = self::framework(framework)?;
    let units = self::units(units)?;
    let s: Scenario = from_js("scenario", scenario)?;
    let (fw2, units2) = s.apply(&fw, &units).map_err(|e| errors::scenario(&e))?;
    #[derive(serde::Serialize)]
    struct Applied<'a> {
        framework: &'a FrameworkDef,
        units: &'a [UnitRecord],
    }
    to_js(&Applied {
        framework: fw2.def(),
        units: &units2,
    })
}

/// Compares scored cohorts against the first (`dti_core::compare`).
#[wasm_bindgen]
pub fn compare(cohorts: JsValue) -> Result<JsValue, JsValue> {
    let c: Vec<CohortScores> = from_js("cohorts", cohorts)?;
    let refs: Vec<&CohortScores> = c.iter().collect();
    to_js(&dti_core::compare(&refs))
}

/// Uncertainty analysis (`dti_core::uncertainty`); `progress(done, total)` may return
/// `false` to cancel.
#[wasm_bindgen]
pub fn uncertainty(
    framework: JsValue,
    units: JsValue,
    spec: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let fw = self::framework(framework)?;
    let units = self::units(units)?;
    let spec: UncertaintySpec = from_js("spec", spec)?;
    limit("runs", spec.runs, MAX_RUNS)?;
    let cb = |done: usize, total: usize| -> bool {
        progress.as_ref().is_none_or(|f| {
            f.call2(
                &JsValue::NULL,
                &(done as f64).into(),
                &(total as f64).into(),
            )
            .map_or(true, |r| r.as_bool() != Some(false))
        })
    };
    let r =
        dti_core::uncertainty(&fw, &units, &spec, Some(&cb)).map_err(|e| errors::analysis(&e))?;
    to_js(&r)
}

/// A province by code, GSO code or name (`era`: `"pre2025"` or `"from2025"`).
#[wasm_bindgen(js_name = findProvince)]
pub fn find_province(query: &str, era: &str) -> Result<JsValue, JsValue> {
    let era = match era {
        "pre2025" => Era::Pre2025,
        "from2025" => Era::From2025,
        other => {
            return Err(errors::argument(
                "era",
                &format!("'{other}' is neither pre2025 nor from2025"),
            ))
        }
    };
    let p = dti_core::find_province(query, era).map_err(|e| {
        errors::error(
            "unknown_province",
            &e.to_string(),
            &[(
                "suggestions",
                to_js(&e.suggestions).unwrap_or(JsValue::UNDEFINED),
            )],
        )
    })?;
    to_js(p)
}
