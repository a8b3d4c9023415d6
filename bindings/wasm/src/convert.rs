//! Plain JS objects to and from the core's serde types (all JsValue conversion lives here).

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::errors;

/// A core value as a plain JS object (maps as objects, missing numbers as `null`).
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| errors::error("internal", &format!("could not convert a result: {e}"), &[]))
}

/// A JS argument as a core value; a shape error names the argument.
pub fn from_js<T: DeserializeOwned>(name: &str, v: JsValue) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| errors::argument(name, &e))
}

/// Size limits for a public portal: larger inputs are refused with code `too_large`.
pub const MAX_UNITS: usize = 10_000;
/// Most nodes in a framework.
pub const MAX_NODES: usize = 5_000;
/// Most runs of an analysis.
pub const MAX_RUNS: usize = 100_000;

/// Refuses an input above a limit.
pub fn limit(what: &str, n: usize, max: usize) -> Result<(), JsValue> {
    if n > max {
        return Err(errors::error(
            "too_large",
            &format!("{n} {what} is more than this package accepts ({max})"),
            &[("path", what.into())],
        ));
    }
    Ok(())
}
