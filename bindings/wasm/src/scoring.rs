//! The scoring module (feature `scoring`, npm `dti-wasm`): what a portal needs to score and
//! explain provinces.

use dti_core::{analyses::MergeOptions, Era, FrameworkDef, MergeMap, ScoreOptions};
use wasm_bindgen::prelude::*;

use crate::convert::{from_js, to_js};
use crate::errors;

/// The ids of the built-in frameworks.
#[wasm_bindgen(js_name = builtinIds)]
pub fn builtin_ids() -> Vec<String> {
    dti_core::builtin_ids().map(str::to_owned).collect()
}

/// A built-in framework's definition (provisional ones included, unvalidated; `total`: DTI
/// values alone).
#[wasm_bindgen(js_name = builtinFramework)]
pub fn builtin_framework(id: &str) -> Result<JsValue, JsValue> {
    if id == "total" {
        return to_js(dti_core::model::total_framework().def());
    }
    let def = FrameworkDef::builtin(id).map_err(|e| errors::framework(&e))?;
    to_js(&def)
}

/// Validates a framework (id or definition); returns its definition, or throws
/// `invalid_framework` with every problem in `problems`.
#[wasm_bindgen(js_name = validateFramework)]
pub fn validate_framework(framework: JsValue) -> Result<JsValue, JsValue> {
    to_js(crate::framework(framework)?.def())
}

/// Scores a cohort (`dti_core::score_cohort`).
#[wasm_bindgen(js_name = scoreCohort)]
pub fn score_cohort(
    framework: JsValue,
    units: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
    cohort(&fw, &units, options)
}

/// The rest of [`score_cohort`] and [`score_cohort_packed`], once (the module's size).
#[inline(never)]
fn cohort(
    fw: &dti_core::Framework,
    units: &[dti_core::UnitRecord],
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let opts: ScoreOptions = crate::optional("options", options)?;
    let scores = dti_core::score_cohort(fw, units, &opts).map_err(|e| errors::score(&e))?;
    to_js(&scores)
}

/// [`score_cohort`] of records packed by the JS wrapper (`convert::unpack_units`): the same
/// result, without the records' JSON text. Not part of the package's API (`npm/names.mjs`).
#[wasm_bindgen(js_name = scoreCohortPacked)]
pub fn score_cohort_packed(
    framework: JsValue,
    text: &str,
    lens: &[u32],
    nums: &[f64],
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::convert::unpack_units(text, lens, nums)?;
    cohort(&fw, &units, options)
}

/// One unit's result with its explanation (`dti_core::explain_unit`): `unit` an id, a name or
/// a province's name; `period` optional (the unit's latest); `options` the score options.
#[wasm_bindgen(js_name = explainUnit)]
pub fn explain_unit(
    framework: JsValue,
    units: JsValue,
    unit: &str,
    period: Option<i32>,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
    let opts: ScoreOptions = crate::optional("options", options)?;
    let found =
        dti_core::explain_unit(&fw, &units, unit, period, &opts).map_err(|e| errors::score(&e))?;
    to_js(&found)
}

/// Scores merged units (`dti_core::merge_cohort`); without a map, the 2025 province merger.
#[wasm_bindgen(js_name = mergeCohort)]
pub fn merge_cohort(
    framework: JsValue,
    units: JsValue,
    map: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let fw = crate::framework(framework)?;
    let units = crate::units(units)?;
    let map: MergeMap = if map.is_undefined() || map.is_null() {
        dti_core::merger_2025().clone()
    } else {
        from_js("map", map)?
    };
    let opts: MergeOptions = crate::optional("options", options)?;
    let merged = dti_core::merge_cohort(&fw, &units, &map, &opts).map_err(|e| errors::merge(&e))?;
    to_js(&merged)
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
            e.code(),
            &e.to_string(),
            &[(
                "suggestions",
                to_js(&e.suggestions).unwrap_or(JsValue::UNDEFINED),
            )],
        )
    })?;
    to_js(p)
}
