//! Plain JS objects to and from the core's serde types (all JsValue conversion lives here).
//!
//! Arguments cross as JSON text (`JSON.stringify` on the JS side, serde_json on ours).
//! Results cross as a tape (`tape.rs`, read by `js/tape.js`): the objects JSON would give,
//! without writing and re-parsing the text, which cost most of a large result's time.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::errors;
use crate::tape::Tape;

#[wasm_bindgen(module = "/js/tape.js")]
extern "C" {
    #[wasm_bindgen(js_name = fromTape)]
    fn from_tape(ops: &[u8], nums: &[f64], text: &str, lens: &[u32], shapes: &[u32]) -> JsValue;
}

/// A core value as a plain JS object (maps as objects, missing numbers as `null`): what
/// `JSON.parse` gives for serde_json's text of it.
pub fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    let t = Tape::of(v)
        .map_err(|e| errors::error("internal", &format!("could not convert a result: {e}"), &[]))?;
    Ok(from_tape(&t.ops, &t.nums, &t.text, &t.lens, &t.shapes))
}

/// A JS argument as a core value; a shape error names the argument.
pub fn from_js<T: DeserializeOwned>(name: &str, v: JsValue) -> Result<T, JsValue> {
    let text: String = js_sys::JSON::stringify(&v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| errors::argument(name, &"a value that JSON can hold"))?;
    serde_json::from_str(&text).map_err(|e| errors::argument(name, &e))
}

/// Size limits for a public portal: larger inputs are refused with code `too_large`.
pub const MAX_UNITS: usize = 10_000;
/// The most text `readRecords` takes (bytes): far above a 10,000-unit file.
#[cfg(feature = "analysis")]
pub const MAX_TEXT: usize = 64 * 1024 * 1024;
/// Most nodes in a framework.
pub const MAX_NODES: usize = 5_000;
/// Most runs of an analysis.
#[cfg(feature = "analysis")]
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
