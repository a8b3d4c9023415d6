//! The analysis module (feature `analysis`, npm `dti-wasm/analysis`): normalisation with a
//! chosen method, scenarios, comparisons and uncertainty analysis — what researchers and
//! what-if tools need beyond scoring.

use dti_core::{
    analyses::{Scenario, UncertaintySpec},
    CohortScores, FrameworkDef, Normaliser, UnitRecord,
};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, limit, to_js, MAX_RUNS, MAX_UNITS};
use crate::errors;

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
    let ids: Vec<String> = crate::optional("units", units)?;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let x: Vec<f64> = x.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    let out = n
        .normalise_column(&x, direction.unwrap_or(1.0), &ids)
        .map_err(|e| errors::error(e.code(), &e.to_string(), &[]))?;
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
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
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

/// Compares scored cohorts against the first (`dti_core::analyses::compare`).
#[wasm_bindgen]
pub fn compare(cohorts: JsValue) -> Result<JsValue, JsValue> {
    let c: Vec<CohortScores> = from_js("cohorts", cohorts)?;
    let refs: Vec<&CohortScores> = c.iter().collect();
    to_js(&dti_core::analyses::compare(&refs))
}

/// Uncertainty analysis (`dti_core::analyses::uncertainty`); `progress(done, total)` may return
/// `false` to cancel.
#[wasm_bindgen]
pub fn uncertainty(
    framework: JsValue,
    units: JsValue,
    spec: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
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
    let r = dti_core::analyses::uncertainty(&fw, &units, &spec, Some(&cb))
        .map_err(|e| errors::analysis(&e))?;
    to_js(&r)
}
