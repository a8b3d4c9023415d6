//! Plain JS objects to and from the core's serde types (all JsValue conversion lives here).
//!
//! Arguments cross as JSON text (`JSON.stringify` on the JS side, serde_json on ours), except
//! `scoreCohort`'s records of plain numbers, which the wrapper packs ([`unpack_units`]).
//! Results cross as a tape (`tape.rs`, read by `js/tape.js`): the objects JSON would give,
//! without writing and re-parsing the text, which cost most of a large result's time.

#[cfg(feature = "scoring")]
use dti_core::{Entry, UnitRecord, Value};
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

/// Records packed by the JS wrapper (`packUnits` in `npm/wrap.mjs`) for the common case — plain
/// objects whose `values` are all finite numbers — so that they cross without JSON text: for
/// the 63-province panel, `JSON.stringify` (mostly formatting each number as its shortest
/// decimal) and reading that text back took a fifth of a `scoreCohort` call.
///
/// `text` holds every distinct string once, `lens` their lengths in chars (the wrapper packs
/// only text without surrogates: one UTF-16 unit per char); `nums` is the number of records,
/// then per record the index of `unit`, of `name` (−1: none), the period (NaN: none), the
/// number of values and a code index and the number for each (records with groups cross as
/// JSON). The records are those serde_json reads from the same objects' JSON (the wrapper
/// packs nothing that JSON would read otherwise: −0 arrives as 0, as its JSON text does).
/// Anything inconsistent is refused, never read past.
#[cfg(feature = "scoring")]
pub fn unpack_units(text: &str, lens: &[u32], nums: &[f64]) -> Result<Vec<UnitRecord>, JsValue> {
    // Only a caller of the raw module can pack badly: the message the JSON path gives.
    let bad = || errors::argument("units", &"a value that JSON can hold");
    let mut strings = Vec::with_capacity(lens.len());
    let mut chars = text.char_indices();
    let mut start = 0;
    for &n in lens {
        let mut end = start;
        for _ in 0..n {
            let (at, c) = chars.next().ok_or_else(bad)?;
            end = at + c.len_utf8();
        }
        strings.push(&text[start..end]);
        start = end;
    }
    if chars.next().is_some() {
        return Err(bad());
    }
    let mut at = 0;
    let mut next = || {
        let x = *nums.get(at).ok_or_else(bad)?;
        at += 1;
        Ok::<f64, JsValue>(x)
    };
    // A whole number in 0..=max (a count is never above what is left to read).
    let whole = |x: f64, max: usize| {
        if x >= 0.0 && x <= max as f64 && x.fract() == 0.0 {
            Ok(x as usize)
        } else {
            Err(bad())
        }
    };
    let string = |x: f64| {
        let k = whole(x, nums.len())?;
        strings.get(k).copied().ok_or_else(bad)
    };
    // Counts are bounded by what is left to read (the wrapper packs at most MAX_UNITS).
    let count = whole(next()?, nums.len())?;
    let mut units = Vec::with_capacity(count);
    for _ in 0..count {
        let mut u = UnitRecord::new(string(next()?)?);
        let name = next()?;
        if name != -1.0 {
            u.name = Some(string(name)?.to_owned());
        }
        let period = next()?;
        if !period.is_nan() {
            if period.fract() != 0.0
                || !(f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&period)
            {
                return Err(bad());
            }
            u.period = Some(period as i32);
        }
        for _ in 0..whole(next()?, nums.len())? {
            let code = string(next()?)?;
            let x = next()?;
            if !x.is_finite() {
                return Err(bad());
            }
            u.values
                .insert(code.to_owned(), Entry::Plain(Value::Number(x)));
        }
        units.push(u);
    }
    if at != nums.len() {
        return Err(bad());
    }
    Ok(units)
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
